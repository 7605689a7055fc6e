import type { DataScope } from '../auth/scope.js';

/**
 * The seam for the leads issue (issue 4): lead first-contact SLAs (A 3 days, B 7 days) and pipeline
 * stage limits. Leads do not exist yet, so nothing implements this; `jobs/leads.ts` runs it when one
 * is passed to the worker, and the digest asks it for its "overdue A-leads" lines.
 */
export interface LeadSlaHook {
  /** Warn agent and team lead about overdue first contacts and stage limits; move unworked leads to the public pool. */
  enforce(now: Date): Promise<{ warned: number; returnedToPool: number }>;
  /** Digest lines ("超期未联系A类线索 3 条：…") for a manager's scope; at most `max` lines. */
  digestLines(scope: DataScope, now: Date, max: number): Promise<string[]>;
}
