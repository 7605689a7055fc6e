import { Router } from '@koa/router';
import { createInteractionInput, listInteractionsQuery } from '#core/interaction/interaction.schemas';
import { parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';

/** Interactions (沟通记录); a next follow-up date creates a task. */
export function interactionsRouter(deps: Pick<AppDeps, 'services'>) {
  const { interactions, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.get('/interactions', authed, async (ctx) => {
    const query = parseInput(listInteractionsQuery, ctx.query, 'query');
    ctx.body = await interactions.list(principalOf(ctx.state).principal, query);
  });

  router.post('/interactions', authed, async (ctx) => {
    const input = parseInput(createInteractionInput, ctx.request.body, 'interaction');
    ctx.status = 201;
    ctx.body = await interactions.create(actorOf(ctx), input);
  });

  return router;
}
