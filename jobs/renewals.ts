import { z } from 'zod';
import type { JobDeps } from './deps.js';
import { defineJob } from './job.js';

/** Renewal reminders at the configured offsets, and the escalation to team leads. */
export function renewalJobs(deps: JobDeps) {
  return [
    defineJob({
      name: 'renewals.scan',
      description: 'Enqueue renewal reminders (agent, customer) for policies at the configured offsets',
      data: z.strictObject({}),
      lockLifetimeMs: 30 * 60_000,
      async run() {
        return { ...(await deps.automations.renewals.scan()) };
      },
    }),
    defineJob({
      name: 'renewals.escalate',
      description: 'Tell team leads about renewals the agent has not acted on after the last reminder',
      data: z.strictObject({}),
      async run() {
        return { ...(await deps.automations.renewals.escalate()) };
      },
    }),
  ];
}
