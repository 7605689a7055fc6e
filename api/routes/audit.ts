import { Router } from '@koa/router';
import { listAuditQuery } from '#core/audit/audit.schemas';
import { parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';

/** The audit log, for admins: GET /audit?record=<id>. */
export function auditRouter(deps: Pick<AppDeps, 'services'>) {
  const { audit, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });

  router.get('/audit', requireAuth(auth), async (ctx) => {
    const q = parseInput(listAuditQuery, ctx.query, 'query');
    ctx.body = await audit.list(
      principalOf(ctx.state).principal,
      { record: q.record, actor: q.actor, entity: q.entity },
      { page: q.page, pageSize: q.pageSize },
    );
  });

  return router;
}
