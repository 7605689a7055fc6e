// `npm run job -- <name> [--at <ISO time>] [--data '<json>']`: runs one job once, in this process, as if
// the clock read --at (back-fills, support, tests). `npm run job -- --list`: jobs and their next runs.
import { parseArgs } from 'node:util';
import { loadConfig, readEnvironment } from '#config/config';
import { resolveSecret } from '#config/secret';
import { connectConfiguredDatabase } from '#core/db/bootstrap';
import { createLogger } from '#core/logger';
import { chatArchiveFromConfig } from '#core/compliance/archive/archive.runtime';
import { createServices } from '#core/services';
import { resolveWecomSettings } from '#core/wecom/settings';
import { runJob } from '#jobs/agenda';
import { createChannels } from '#jobs/channels';
import { complianceJobFlags } from '#jobs/compliance-archive';
import { complianceGate } from '#jobs/compliance-gate';
import { createJobDeps } from '#jobs/deps';
import { allJobs } from '#jobs/registry';
import { nextRuns, schedules, SCHEDULE_TIMEZONE } from '#jobs/schedules';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    at: { type: 'string' },
    data: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});

const at = values.at === undefined ? new Date() : new Date(values.at);
if (Number.isNaN(at.getTime()) || (values.at !== undefined && !/[zZ]|[+-]\d\d:?\d\d$/.test(values.at))) {
  console.error(`--at must be an ISO time with a zone, e.g. 2026-03-01T09:00:00+08:00 (got ${values.at})`);
  process.exit(2);
}
const name = positionals[0];
if (!values.list && !name) {
  console.error('usage: npm run job -- <name> [--at <ISO time>] [--data <json>] | --list');
  process.exit(2);
}

const config = loadConfig(readEnvironment());
const logger = createLogger({ level: config.logLevel, name: 'job' });
// "As if at that time": the clock starts at --at and advances with real time during the run.
const startedAt = Date.now();
const clock = () => new Date(at.getTime() + (Date.now() - startedAt));
const database = await connectConfiguredDatabase(config, logger);
let exitCode = 0;
try {
  const secret = resolveSecret(config);
  const services = createServices({
    db: database.db,
    secret,
    sessionTtlSeconds: config.sessionTtlSeconds,
    clock,
    logger,
    // Development: the simulator of a running `npm start` (MONGODB_URI shared); unreachable → the
    // sends fail and are retried with back-off, nothing is lost.
    wecom: {
      settings: resolveWecomSettings(config, `http://127.0.0.1:${config.wecom.simulator.port}`),
    },
    chatArchive: chatArchiveFromConfig(config.chatArchive, config.wecom.corpId),
  });
  const deps = createJobDeps({
    config,
    logger,
    db: database.db,
    services,
    clock,
    secret,
    channels: createChannels({
      wecom: services.wecom.client,
      wechat: services.wecom.wechat,
      templates: config.notifications.subscribeTemplates,
      logger,
    }),
    gate: complianceGate(services.compliance),
  });
  // In this process, without Agenda: the same definitions and handler wrapper the worker uses.
  const jobs = allJobs(deps);
  if (values.list) {
    const byJob = new Map(
      schedules(config, { leads: false, ...complianceJobFlags(deps) }).map((s) => [s.job, s]),
    );
    console.log(`jobs (schedules in ${SCHEDULE_TIMEZONE}, next runs after ${at.toISOString()}):`);
    for (const job of jobs) {
      const s = byJob.get(job.name);
      const next = s
        ? nextRuns(s.cron, at, 2)
            .map((d) => d.toISOString())
            .join(', ')
        : 'on demand';
      console.log(
        `  ${job.name.padEnd(28)} ${(s?.cron ?? '-').padEnd(14)} ${next}\n      ${job.description}`,
      );
    }
  } else {
    const data: unknown = values.data === undefined ? {} : JSON.parse(values.data);
    const def = jobs.find((j) => j.name === name);
    if (!def) throw new Error(`no job named ${name}; see npm run job -- --list`);
    const result = await runJob(deps, def, data);
    console.log(JSON.stringify({ job: name, at: at.toISOString(), result }, null, 2));
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);
