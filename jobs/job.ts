import type { z } from 'zod';
import type { Logger } from '#core/logger';

/** What a job handler gets besides its data: the instant it runs "as of" and a logger. */
export interface JobContext {
  /** The run's reference time: the clock for scheduled runs, `--at` for `npm run job`. */
  now: Date;
  log: Logger;
}

/**
 * One job: a name, its payload schema (job data carries ids, never documents, and is validated like
 * any input) and a handler that calls the core. Handlers are idempotent: running one twice, or on two
 * workers at once, produces each side effect once (dedupe keys in the notification outbox).
 */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  data: S;
  run(ctx: JobContext, data: z.output<S>): Promise<Record<string, unknown>>;
  /** How long a worker may hold the job before another may take it over (default 10 min). */
  lockLifetimeMs?: number;
}

/** Keeps each definition's data type tied to its handler. */
export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition {
  return def as unknown as JobDefinition;
}
