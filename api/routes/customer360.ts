import type { AppDeps } from '../context.js';
import { auditRouter } from './audit.js';
import { claimsRouter } from './claims.js';
import { customersRouter } from './customers.js';
import { handoverRouter } from './handover.js';
import { interactionsRouter } from './interactions.js';
import { policiesRouter } from './policies.js';
import { tasksRouter } from './tasks.js';
import { ticketsRouter } from './tickets.js';

/** The customer-360 routers (issue 3), mounted together by createApp. */
export function customer360Routers(deps: Pick<AppDeps, 'services'>) {
  return [
    customersRouter(deps),
    policiesRouter(deps),
    claimsRouter(deps),
    interactionsRouter(deps),
    tasksRouter(deps),
    ticketsRouter(deps),
    handoverRouter(deps),
    auditRouter(deps),
  ];
}
