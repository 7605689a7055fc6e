import { Router } from '@koa/router';
import { listNotificationsQuery } from '#core/notification/notification.schemas';
import { parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';

/** The notification outbox, read-only and scoped: agent own, team lead team, manager branch, admin all. */
export function notificationsRouter(deps: Pick<AppDeps, 'services'>) {
  const { notifications, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.get('/notifications', authed, async (ctx) => {
    const query = parseInput(listNotificationsQuery, ctx.query, 'query');
    ctx.body = await notifications.list(principalOf(ctx.state).principal, query);
  });

  return router;
}
