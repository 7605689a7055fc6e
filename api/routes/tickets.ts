import { Router } from '@koa/router';
import { z } from 'zod';
import { createTicketInput, listTicketsQuery, updateTicketInput } from '#core/ticket/ticket.schemas';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';

const idParam = z.strictObject({ id: objectIdString });

/** After-sales tickets (工单) with SLA. */
export function ticketsRouter(deps: Pick<AppDeps, 'services'>) {
  const { tickets, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.get('/tickets', authed, async (ctx) => {
    const query = parseInput(listTicketsQuery, ctx.query, 'query');
    ctx.body = await tickets.list(principalOf(ctx.state).principal, query);
  });

  router.post('/tickets', authed, async (ctx) => {
    const input = parseInput(createTicketInput, ctx.request.body, 'ticket');
    ctx.status = 201;
    ctx.body = await tickets.create(actorOf(ctx), input);
  });

  router.get('/tickets/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await tickets.get(principalOf(ctx.state).principal, id);
  });

  router.patch('/tickets/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const input = parseInput(updateTicketInput, ctx.request.body, 'ticket');
    ctx.body = await tickets.update(actorOf(ctx), id, input);
  });

  return router;
}
