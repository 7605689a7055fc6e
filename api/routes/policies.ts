import { Router } from '@koa/router';
import { z } from 'zod';
import {
  createPolicyInput,
  exportPoliciesQuery,
  listPoliciesQuery,
  updatePolicyInput,
} from '#core/policy/policy.schemas';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';
import { sendExport } from './export.js';

const idParam = z.strictObject({ id: objectIdString });

/** Policies, with days to expiry (Asia/Shanghai). */
export function policiesRouter(deps: Pick<AppDeps, 'services'>) {
  const { policies, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.get('/policies', authed, async (ctx) => {
    const query = parseInput(listPoliciesQuery, ctx.query, 'query');
    ctx.body = await policies.list(principalOf(ctx.state).principal, query);
  });

  // Before /policies/:id, which would take "export" for an id.
  router.get('/policies/export', authed, async (ctx) => {
    const { format, ...filters } = parseInput(exportPoliciesQuery, ctx.query, 'query');
    sendExport(
      ctx,
      'policies',
      format,
      policies.export(principalOf(ctx.state).principal, filters, { format }),
    );
  });

  router.post('/policies', authed, async (ctx) => {
    const input = parseInput(createPolicyInput, ctx.request.body, 'policy');
    ctx.status = 201;
    ctx.body = await policies.create(actorOf(ctx), input);
  });

  router.get('/policies/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await policies.get(principalOf(ctx.state).principal, id);
  });

  router.patch('/policies/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const input = parseInput(updatePolicyInput, ctx.request.body, 'policy');
    ctx.body = await policies.update(actorOf(ctx), id, input);
  });

  return router;
}
