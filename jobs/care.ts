import { z } from 'zod';
import type { JobDeps } from './deps.js';
import { defineJob } from './job.js';

/** Customer care: birthdays, anniversaries, festivals, yearly policy reviews; dormant customers. */
export function careJobs(deps: JobDeps) {
  return [
    defineJob({
      name: 'care.daily',
      description: 'Birthday, anniversary, festival and policy-review tasks with suggested greetings',
      data: z.strictObject({}),
      lockLifetimeMs: 30 * 60_000,
      async run() {
        return { ...(await deps.automations.care.run()) };
      },
    }),
    defineJob({
      name: 'customers.dormant',
      description: 'Wake-up tasks for customers without interaction for 365 days',
      data: z.strictObject({}),
      lockLifetimeMs: 30 * 60_000,
      async run() {
        return { ...(await deps.automations.dormant.run()) };
      },
    }),
  ];
}
