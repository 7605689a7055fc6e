import { Router } from '@koa/router';
import { z } from 'zod';
import {
  createCustomerInput,
  exportCustomersQuery,
  getCustomerQuery,
  listCustomersQuery,
  timelineQuery,
  updateCustomerInput,
} from '#core/customer/customer.schemas';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';
import { sendExport } from './export.js';

const idParam = z.strictObject({ id: objectIdString });

/** Customers: list/search, create, the 360 view, update and the merged timeline. */
export function customersRouter(deps: Pick<AppDeps, 'services'>) {
  const { customers, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.get('/customers', authed, async (ctx) => {
    const query = parseInput(listCustomersQuery, ctx.query, 'query');
    ctx.body = await customers.list(principalOf(ctx.state).principal, query);
  });

  // Before /customers/:id, which would take "export" for an id.
  router.get('/customers/export', authed, async (ctx) => {
    const { format, reveal, ...filters } = parseInput(exportCustomersQuery, ctx.query, 'query');
    const body = await customers.export(actorOf(ctx), filters, {
      format,
      revealIdNumber: reveal === 'idNumber',
    });
    sendExport(ctx, 'customers', format, body);
  });

  router.post('/customers', authed, async (ctx) => {
    const input = parseInput(createCustomerInput, ctx.request.body, 'customer');
    const created = await customers.create(actorOf(ctx), input);
    ctx.state.log.info({ customerId: created.id }, 'customer created');
    ctx.status = 201;
    ctx.body = created;
  });

  router.get('/customers/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const { reveal } = parseInput(getCustomerQuery, ctx.query, 'query');
    ctx.body = await customers.view360(actorOf(ctx), id, { revealIdNumber: reveal === 'idNumber' });
  });

  router.patch('/customers/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const input = parseInput(updateCustomerInput, ctx.request.body, 'customer');
    ctx.body = await customers.update(actorOf(ctx), id, input);
  });

  router.get('/customers/:id/timeline', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const q = parseInput(timelineQuery, ctx.query, 'query');
    ctx.body = await customers.timeline(principalOf(ctx.state).principal, id, {
      limit: q.limit,
      before: q.before ? new Date(q.before) : undefined,
    });
  });

  return router;
}
