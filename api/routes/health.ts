import { Router } from '@koa/router';
import type { AppDeps, AppState } from '../context.js';

/** `/healthz`: the process answers. `/readyz`: the database answers too (503 with the reason if not). */
export function healthRouter(deps: Pick<AppDeps, 'db'>) {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    try {
      ctx.body = { status: 'ok', db: await deps.db.ping() };
    } catch (err) {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', db: (err as Error).message };
    }
  });
  return router;
}
