import { Router } from '@koa/router';
import { z } from 'zod';
import { parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';

export const devLoginInput = z.strictObject({
  userId: z.string().trim().min(1).max(64),
});

/** Sessions: who am I, and (development only) log in as an active user. */
export function authRouter(deps: Pick<AppDeps, 'config' | 'services'>) {
  const router = new Router<AppState>({ prefix: '/api/v1' });

  // Registered only in development: in production the route does not exist (404).
  if (deps.config.env === 'development') {
    router.post('/auth/dev-login', async (ctx) => {
      const { userId } = parseInput(devLoginInput, ctx.request.body, 'dev-login body');
      const session = await deps.services.auth.devLogin(userId);
      ctx.state.log.info({ userId: session.user.id }, 'dev-login');
      ctx.body = {
        token: session.token,
        expiresAt: session.expiresAt,
        user: session.user,
        scope: session.principal.scope,
      };
    });
  }

  router.get('/me', requireAuth(deps.services.auth), (ctx) => {
    const { principal, user } = principalOf(ctx.state);
    ctx.body = { user, role: principal.role, scope: principal.scope };
  });
  return router;
}
