import type { Actor } from '#core/audit/audit.service';
import type { AppState } from '../context.js';
import { principalOf } from '../middleware/auth.js';

/** The audited actor of a request: the principal plus where it came from (request id, client address). */
export function actorOf(ctx: { state: AppState; ip: string }): Actor & { name: string } {
  const { principal, user } = principalOf(ctx.state);
  return {
    principal,
    name: user.name,
    origin: { source: 'api', requestId: ctx.state.requestId, ip: ctx.ip },
  };
}
