import type { Config } from '#config/config';
import type { Database } from '#core/db/database';
import type { Logger } from '#core/logger';
import type { Services } from '#core/services';
import { createAgenda } from './agenda.js';
import { createChannels } from './channels.js';
import { defaultLexiconGate } from './compliance-gate.js';
import { createJobDeps } from './deps.js';

/** Starts the job worker in this process (`npm start` or `npm run start:jobs`); returns its stop. */
export async function startJobWorker(deps: {
  config: Config;
  logger: Logger;
  db: Database;
  services: Services;
  clock: () => Date;
}): Promise<() => Promise<void>> {
  const logger = deps.logger.child({ component: 'jobs' });
  const jobDeps = createJobDeps({
    ...deps,
    logger,
    channels: createChannels(deps.config, logger),
    gate: defaultLexiconGate(logger),
  });
  const worker = createAgenda(jobDeps);
  await worker.start();
  return () => worker.stop();
}
