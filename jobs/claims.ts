import { z } from 'zod';
import type { JobDeps } from './deps.js';
import { defineJob } from './job.js';

/** Claim status changes → customer and agent within a minute; surveys 7 days after closure. */
export function claimJobs(deps: JobDeps) {
  return [
    defineJob({
      name: 'claims.events',
      description: 'Turn claim status events into customer and agent notifications (and closure surveys)',
      data: z.strictObject({}),
      async run() {
        const processed = await deps.automations.claims.processEvents();
        // Sent now rather than at the next dispatch tick: claim updates are promised within a minute.
        const dispatched = processed.enqueued > 0 ? await deps.outbox.dispatchDue({ limit: 200 }) : undefined;
        return { ...processed, ...(dispatched ? { sent: dispatched.sent } : {}) };
      },
    }),
  ];
}
