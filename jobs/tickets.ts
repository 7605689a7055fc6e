import { z } from 'zod';
import type { JobDeps } from './deps.js';
import { defineJob } from './job.js';

/** Ticket SLA breaches → escalation to the queue's team lead and the assignee. */
export function ticketJobs(deps: JobDeps) {
  return [
    defineJob({
      name: 'tickets.sla',
      description: 'Escalate unresolved tickets past their SLA',
      data: z.strictObject({}),
      async run() {
        return { ...(await deps.automations.tickets.run()) };
      },
    }),
  ];
}
