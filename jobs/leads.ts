import { z } from 'zod';
import type { JobDeps } from './deps.js';
import { defineJob } from './job.js';

/**
 * Lead first-contact SLAs and pipeline stage limits. Leads arrive with issue 4: until a `LeadSlaHook`
 * is passed to the worker this family defines no job (and no schedule runs it).
 */
export function leadJobs(deps: JobDeps) {
  const hook = deps.leads;
  if (!hook) return [];
  return [
    defineJob({
      name: 'leads.sla',
      description:
        'Warn about overdue lead first contacts and stage limits; return unworked leads to the pool',
      data: z.strictObject({}),
      async run() {
        return { ...(await hook.enforce(deps.clock())) };
      },
    }),
  ];
}
