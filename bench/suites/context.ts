import type { Database } from '#core/db/database';
import type { Child } from '../lib/processes.js';

/** What a sub-benchmark gets from bench/run.ts: the shared database and a lazily started API. */
export interface BenchContext {
  mongoUri: string;
  dbName: string;
  /** 'embedded FerretDB 1.24 (SQLite)' or 'MongoDB'. */
  database: string;
  embedded: boolean;
  db: Database;
  /** Generated customers in the database (0 when the scale seed has not been run). */
  customers: number;
  seed: number;
  /** The API under test, started on first use and stopped by the runner. */
  api(): Promise<Child & { url: string; port: number }>;
  /** Seconds per HTTP measurement and the fixed concurrency. */
  seconds: number;
  connections: number;
}
