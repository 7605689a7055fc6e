import { Router } from '@koa/router';
import Koa from 'koa';
import type { AppDeps, AppState } from './context.js';
import { jsonBody } from './middleware/body.js';
import { errorHandler, notFoundHandler } from './middleware/errors.js';
import { requestContext } from './middleware/request-context.js';
import { buildOpenApi } from './openapi/index.js';
import { appRouter } from './routes/app.js';
import { authRouter } from './routes/auth.js';
import { botRouter } from './routes/bot.js';
import { complianceRouter } from './routes/compliance.js';
import { customer360Routers } from './routes/customer360.js';
import { healthRouter } from './routes/health.js';
import { importsRouter } from './routes/imports.js';
import { leadsRouter } from './routes/leads.js';
import { reportsRouter } from './routes/reports.js';
import { miniprogramRouter } from './routes/miniprogram.js';
import { notificationsRouter } from './routes/notifications.js';
import { devSimulatorRouter } from './routes/dev-simulator.js';
import { orgRouter } from './routes/org.js';
import { surveysRouter } from './routes/surveys.js';
import { wecomRouter } from './routes/wecom.js';

/** The Koa application. Does not listen: `startApiServer` or tests (`request(app.callback())`) do. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  app.proxy = deps.config.env === 'production';
  // Errors are answered by errorHandler; Koa's default handler would print stack traces to stderr.
  app.silent = true;

  app.use(requestContext(deps.logger));
  app.use(errorHandler());
  // WeCom posts XML: its router reads the raw body itself, so it sits before the JSON parser.
  const wecom = wecomRouter(deps);
  app.use(wecom.routes());
  app.use(wecom.allowedMethods());
  // Imports take the file itself as the body (streamed to disk), so they too sit before the JSON parser.
  const importsApi = importsRouter(deps);
  app.use(importsApi.routes());
  app.use(importsApi.allowedMethods());
  app.use(jsonBody(deps.config.bodyLimitBytes));
  if (deps.config.env === 'development') app.use(devSimulatorRouter(deps).routes());

  const openapi = buildOpenApi({ devLogin: deps.config.env === 'development' });
  const docs = new Router<AppState>();
  docs.get('/api/v1/openapi.json', (ctx) => {
    ctx.body = openapi;
  });

  for (const router of [
    healthRouter(deps),
    docs,
    authRouter(deps),
    botRouter(deps),
    orgRouter(deps),
    complianceRouter(deps),
    miniprogramRouter(deps),
    appRouter(deps),
    leadsRouter(deps),
    reportsRouter(deps),
    notificationsRouter(deps),
    surveysRouter(deps),
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  // Customer 360 (customers, policies, claims, interactions, tasks, tickets, handover, audit).
  for (const router of customer360Routers(deps)) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(notFoundHandler());
  return app;
}
