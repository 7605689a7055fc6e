import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, type Job } from 'agenda';
import { AppError } from '#core/errors';
import { parseInput } from '#core/validation';
import { complianceJobFlags } from './compliance-archive.js';
import type { JobDeps } from './deps.js';
import type { JobDefinition } from './job.js';
import { allJobs } from './registry.js';
import { SCHEDULE_TIMEZONE, schedules } from './schedules.js';

export interface JobWorker {
  agenda: Agenda;
  jobs: JobDefinition[];
  /** Declares the recurring schedules (idempotent: every worker does it) and starts polling. */
  start(): Promise<void>;
  /** Stops polling and unlocks jobs this worker holds (another worker picks them up). */
  stop(): Promise<void>;
  /** Runs one job now, in this process, as of `at` (the deps' clock decides what "now" is for the core). */
  runOnce(name: string, data?: unknown): Promise<Record<string, unknown>>;
}

/** Validates a job's data and runs its handler with a context logger; shared by Agenda and the CLI. */
export async function runJob(
  deps: JobDeps,
  def: JobDefinition,
  rawData: unknown,
): Promise<Record<string, unknown>> {
  const data: unknown = parseInput(def.data, rawData ?? {}, `job ${def.name} data`);
  const now = deps.clock();
  const log = deps.logger.child({ job: def.name });
  const started = Date.now();
  const result = await def.run({ now, log }, data);
  log.info({ at: now.toISOString(), ms: Date.now() - started, ...result }, 'job finished');
  return result;
}

/**
 * The Agenda worker over the application's own database (collection agendaJobs). Agenda only decides
 * *when* a job runs and which worker runs it; exactly-once effects come from the outbox dedupe keys,
 * so a schedule that fires twice (two workers, a retry, a manual run) sends nothing twice.
 */
export function createAgenda(deps: JobDeps): JobWorker {
  const db = deps.db.connection.db;
  if (!db) throw new Error('createAgenda: the database connection is not open');
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db }),
    name: deps.config.jobs.workerName ?? `qibao-${process.pid}`,
    processEvery: deps.config.jobs.processEverySeconds * 1000,
    defaultLockLifetime: 10 * 60_000,
  });
  const jobs = allJobs(deps);
  const byName = new Map(jobs.map((j) => [j.name, j]));

  for (const def of jobs) {
    agenda.define(
      def.name,
      async (job: Job<unknown>) => {
        await runJob(deps, def, job.attrs.data);
      },
      { lockLifetime: def.lockLifetimeMs ?? 10 * 60_000, concurrency: 1 },
    );
  }
  agenda.on('fail', (err: Error | string, job: { attrs?: { name?: string }; jobName?: string }) => {
    deps.logger.error({ err, job: job.attrs?.name ?? job.jobName }, 'job failed');
  });
  agenda.on('error', (err: Error) => deps.logger.error({ err }, 'job worker error'));

  return {
    agenda,
    jobs,
    async start() {
      for (const s of schedules(deps.config, { leads: Boolean(deps.leads), ...complianceJobFlags(deps) })) {
        if (!byName.has(s.job)) throw new Error(`schedule names unknown job ${s.job}`);
        await agenda.every(s.cron, s.job, {}, { timezone: SCHEDULE_TIMEZONE, skipImmediate: true });
      }
      await agenda.start();
      deps.logger.info(
        { jobs: jobs.length, processEverySeconds: deps.config.jobs.processEverySeconds },
        'job worker started',
      );
    },
    async stop() {
      await agenda.stop(false);
    },
    async runOnce(name, data) {
      const def = byName.get(name);
      if (!def) {
        throw new AppError('NOT_FOUND', `no job named ${name}`, { userMessage: `没有名为 ${name} 的任务` });
      }
      return runJob(deps, def, data);
    },
  };
}
