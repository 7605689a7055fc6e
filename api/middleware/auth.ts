import type { Middleware } from 'koa';
import { AppError } from '#core/errors';
import type { AuthService } from '#core/auth/auth.service';
import type { AppState } from '../context.js';

/** Requires `Authorization: Bearer <token>`; sets `ctx.state.principal` and `ctx.state.user`. */
export function requireAuth(auth: AuthService): Middleware<AppState> {
  return async function requireAuthMiddleware(ctx, next) {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new AppError('UNAUTHENTICATED', 'missing bearer token', { userMessage: '请先登录' });
    }
    const { principal, user } = await auth.authenticate(match[1]);
    ctx.state.principal = principal;
    ctx.state.user = user;
    ctx.state.log = ctx.state.log.child({ userId: principal.userId, role: principal.role });
    await next();
  };
}

/** The principal set by `requireAuth`; a route that forgot `requireAuth` fails loudly, not open. */
export function principalOf(state: AppState) {
  if (!state.principal || !state.user) throw new Error('route is missing requireAuth');
  return { principal: state.principal, user: state.user };
}
