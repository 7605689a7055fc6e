import { z } from 'zod';
import type { JobDeps } from './deps.js';
import { defineJob } from './job.js';

/** The daily digest to each team lead and branch manager. */
export function digestJobs(deps: JobDeps) {
  return [
    defineJob({
      name: 'digest.daily',
      description: "Yesterday's KPIs and today's exceptions to each team lead and branch manager",
      data: z.strictObject({}),
      lockLifetimeMs: 30 * 60_000,
      async run() {
        const res = await deps.automations.digest.sendAll();
        const dispatched = await deps.outbox.dispatchDue({ limit: 1000 });
        return { ...res, sent: dispatched.sent };
      },
    }),
  ];
}
