import type { Config } from '#config/config';
import type { Database } from '#core/db/database';
import type { Logger } from '#core/logger';
import type { Services } from '#core/services';
import { createAgenda } from './agenda.js';
import { createChannels } from './channels.js';
import { complianceGate } from './compliance-gate.js';
import { createJobDeps } from './deps.js';

/** Starts the job worker in this process (`npm start` or `npm run start:jobs`); returns its stop. */
export async function startJobWorker(deps: {
  config: Config;
  logger: Logger;
  db: Database;
  services: Services;
  clock: () => Date;
  secret: string;
}): Promise<() => Promise<void>> {
  const logger = deps.logger.child({ component: 'jobs' });
  const jobDeps = createJobDeps({
    ...deps,
    logger,
    channels: createChannels({
      wecom: deps.services.wecom.client,
      wechat: deps.services.wecom.wechat,
      templates: deps.config.notifications.subscribeTemplates,
      logger,
    }),
    gate: complianceGate(deps.services.compliance),
    // Lead SLAs (issue 4): overdue first contacts back to the pool, stage-limit warning tasks, digest lines.
    leads: deps.services.leadSla,
  });
  const worker = createAgenda(jobDeps);
  await worker.start();
  return () => worker.stop();
}
