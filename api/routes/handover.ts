import { Router } from '@koa/router';
import { handoverInput } from '#core/customer/customer.schemas';
import { parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';

/** Handover (交接) of an agent's customers and their history to another agent. */
export function handoverRouter(deps: Pick<AppDeps, 'services'>) {
  const { handover, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });

  router.post('/handover', requireAuth(auth), async (ctx) => {
    const input = parseInput(handoverInput, ctx.request.body, 'handover');
    const result = await handover.handover(actorOf(ctx), input);
    ctx.state.log.info(
      {
        fromAgentId: result.fromAgentId,
        toAgentId: result.toAgentId,
        moved: result.moved,
        batches: result.batches,
      },
      'handover done',
    );
    ctx.body = result;
  });

  return router;
}
