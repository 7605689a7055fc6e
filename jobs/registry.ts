import { careJobs } from './care.js';
import { claimJobs } from './claims.js';
import { complianceJobs } from './compliance-archive.js';
import type { JobDeps } from './deps.js';
import { digestJobs } from './digest.js';
import type { JobDefinition } from './job.js';
import { leadJobs } from './leads.js';
import { notificationJobs } from './notifications.js';
import { renewalJobs } from './renewals.js';
import { segmentationJobs } from './segmentation.js';
import { ticketJobs } from './tickets.js';

/** Every job family, one file each. */
export function allJobs(deps: JobDeps): JobDefinition[] {
  const jobs = [
    ...notificationJobs(deps),
    ...claimJobs(deps),
    ...renewalJobs(deps),
    ...careJobs(deps),
    ...ticketJobs(deps),
    ...digestJobs(deps),
    ...leadJobs(deps),
    ...segmentationJobs(deps),
    ...complianceJobs(deps),
  ];
  const names = new Set<string>();
  for (const j of jobs) {
    if (names.has(j.name)) throw new Error(`job ${j.name} is defined twice`);
    names.add(j.name);
  }
  return jobs;
}
