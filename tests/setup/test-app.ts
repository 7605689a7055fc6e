import type Koa from 'koa';
import request from 'supertest';
import { createApp } from '#api/app';
import type { AppState } from '#api/context';
import type { Database } from '#core/db/database';
import { silentLogger, type Logger } from '#core/logger';
import { createServices, type Services } from '#core/services';
import type { UserRecord } from '#core/user/user.repository';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-qibao-0123456789';

export interface TestApp {
  app: Koa<AppState>;
  services: Services;
  http: () => ReturnType<typeof request>;
  /** A bearer token for `user`, issued the same way dev-login does. */
  tokenFor(user: UserRecord): Promise<string>;
}

/** The real app over a real database; only the clock and environment are chosen by the test. */
export function buildTestApp(
  db: Database,
  opts: {
    env?: 'development' | 'production';
    clock?: () => Date;
    logger?: Logger;
    bodyLimitBytes?: number;
  } = {},
): TestApp {
  const clock = opts.clock ?? (() => new Date());
  const services = createServices({ db, secret: TEST_SECRET, sessionTtlSeconds: 3600, clock });
  const app = createApp({
    config: { env: opts.env ?? 'development', bodyLimitBytes: opts.bodyLimitBytes ?? 256 * 1024 },
    logger: opts.logger ?? silentLogger(),
    db,
    services,
    clock,
  });
  return {
    app,
    services,
    http: () => request(app.callback()),
    async tokenFor(user) {
      return (await services.auth.devLogin(user.id)).token;
    },
  };
}
