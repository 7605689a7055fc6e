import type { JobDeps } from './deps.js';
import type { JobDefinition } from './job.js';
import { notificationJobs } from './notifications.js';

/** Every job family, one file each. */
export function allJobs(deps: JobDeps): JobDefinition[] {
  const jobs = [...notificationJobs(deps)];
  const names = new Set<string>();
  for (const j of jobs) {
    if (names.has(j.name)) throw new Error(`job ${j.name} is defined twice`);
    names.add(j.name);
  }
  return jobs;
}
