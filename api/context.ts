import type { Config } from '#config/config';
import type { StaffPrincipal } from '#core/auth/scope';
import type { CustomerPrincipal } from '#core/customer-auth/customer-token';
import type { Database } from '#core/db/database';
import type { Logger } from '#core/logger';
import type { Services } from '#core/services';
import type { UserRecord } from '#core/user/user.repository';

/** Everything `createApp` needs; tests pass the same with a real database and fake outside services. */
export interface AppDeps {
  config: Pick<Config, 'env' | 'bodyLimitBytes'>;
  logger: Logger;
  db: Pick<Database, 'ping' | 'connection'>;
  services: Services;
  clock: () => Date;
}

/** `ctx.state` for every request. `principal` and `user` are set by `requireAuth`. */
export interface AppState {
  requestId: string;
  log: Logger;
  principal?: StaffPrincipal;
  user?: UserRecord;
  /** Set by `requireCustomer` on the mini-program's customer routes (/api/v1/my/…). */
  customer?: CustomerPrincipal;
}
