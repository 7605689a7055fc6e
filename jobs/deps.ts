import type { Config } from '#config/config';
import type { Database } from '#core/db/database';
import type { Logger } from '#core/logger';
import type { NotificationChannels } from '#core/notification/channels';
import { createNotificationRepository } from '#core/notification/notification.repository';
import {
  createNotificationService,
  type NotificationService,
  type OutgoingTextGate,
} from '#core/notification/notification.service';
import type { Services } from '#core/services';

/** Everything the job families need; built once per worker (or per `npm run job`). */
export interface JobDeps {
  config: Pick<Config, 'notifications' | 'jobs'>;
  logger: Logger;
  db: Database;
  services: Services;
  clock: () => Date;
  outbox: NotificationService;
}

/** Wires the outbox with this process's channels and compliance gate. */
export function createJobDeps(deps: {
  config: Pick<Config, 'notifications' | 'jobs'>;
  logger: Logger;
  db: Database;
  services: Services;
  clock: () => Date;
  channels: NotificationChannels;
  gate: OutgoingTextGate;
}): JobDeps {
  const outbox = createNotificationService({
    repo: createNotificationRepository(deps.db.models),
    clock: deps.clock,
    logger: deps.logger,
    quietHours: deps.config.notifications.quietHours,
    customerMonthlyCap: deps.config.notifications.customerMonthlyCap,
    channels: deps.channels,
    gate: deps.gate,
    workerName: deps.config.jobs.workerName,
  });
  return { ...deps, outbox };
}
