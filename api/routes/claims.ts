import { Router } from '@koa/router';
import { z } from 'zod';
import { claimTransitionInput, createClaimInput, listClaimsQuery } from '#core/claim/claim.schemas';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';

const idParam = z.strictObject({ id: objectIdString });

/** Claims and their status machine. */
export function claimsRouter(deps: Pick<AppDeps, 'services'>) {
  const { claims, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.get('/claims', authed, async (ctx) => {
    const query = parseInput(listClaimsQuery, ctx.query, 'query');
    ctx.body = await claims.list(principalOf(ctx.state).principal, query);
  });

  router.post('/claims', authed, async (ctx) => {
    const input = parseInput(createClaimInput, ctx.request.body, 'claim');
    const actor = actorOf(ctx);
    ctx.status = 201;
    ctx.body = await claims.create(actor, input, actor.name);
  });

  router.get('/claims/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await claims.get(principalOf(ctx.state).principal, id);
  });

  router.post('/claims/:id/transitions', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const input = parseInput(claimTransitionInput, ctx.request.body, 'transition');
    const actor = actorOf(ctx);
    const claim = await claims.transition(actor, id, input, actor.name);
    ctx.state.log.info({ claimId: id, to: input.to }, 'claim transitioned');
    ctx.body = claim;
  });

  return router;
}
