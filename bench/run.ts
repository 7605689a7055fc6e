// `npm run bench [-- <suite>…] [--seconds 10] [--connections 10] [--seed 1] [--no-append]`
// Suites: compliance, weapp, indexes, http, callback, bot, jobs (all by default, in that order). Runs against the
// database of the current settings (QIBAO_DATA_DIR's embedded FerretDB, or MONGODB_URI) after
// `npm run seed -- --customers N --seed S`; prints each suite's figures as its last lines and appends the
// run to bench/results.md with the date, machine and database. Loopback only; every loop is bounded.
import { parseArgs } from 'node:util';
import { loadConfig, readEnvironment } from '#config/config';
import { resolveSecret } from '#config/secret';
import { openDatabase } from '#core/db/database';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '#core/db/embedded';
import { silentLogger } from '#core/logger';
import { scaleId } from '../scripts/seed/scale.js';
import { startApi, type Child } from './lib/processes.js';
import { appendRunHeader, appendSuite, machineLine, mb, type SuiteResult } from './lib/report.js';
import { botSuite } from './suites/bot.js';
import { callbackSuite } from './suites/callback.js';
import { complianceSuite } from './suites/compliance.js';
import type { BenchContext } from './suites/context.js';
import { httpSuite, peakRssOf } from './suites/http.js';
import { indexesSuite } from './suites/indexes.js';
import { jobsSuite } from './suites/jobs.js';
import { weappSuite } from './suites/weapp.js';

/** Figures go to stdout (the runner's output is the report). */
const say = (line: string) => process.stdout.write(`${line}\n`);

const SUITES = ['compliance', 'weapp', 'indexes', 'http', 'callback', 'bot', 'jobs'] as const;
type Suite = (typeof SUITES)[number];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    'jobs-policies': { type: 'string' },
    'no-append': { type: 'boolean', default: false },
  },
});
const unknown = positionals.filter((p) => !(SUITES as readonly string[]).includes(p));
if (unknown.length) {
  console.error(`unknown suite(s) ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`);
  process.exit(2);
}
const selected: Suite[] = positionals.length ? (positionals as Suite[]) : [...SUITES];
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const seed = Number(values.seed);
if (!(seconds > 0 && seconds <= 120) || !(connections >= 1 && connections <= 256)) {
  console.error('--seconds must be in (0, 120] and --connections in [1, 256]');
  process.exit(2);
}

/** Generated customers present: a binary search over the deterministic ids (each probe an `_id` lookup). */
async function countGenerated(db: BenchContext['db']): Promise<number> {
  const has = async (n: number) =>
    n === 0 || (await db.models.Customer.exists({ _id: scaleId('customer', seed, n - 1) })) !== null;
  let lo = 0;
  let hi = 1;
  while (hi <= 4_000_000 && (await has(hi))) hi *= 2;
  while (lo < hi - 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await has(mid)) lo = mid;
    else hi = mid;
  }
  return (await has(hi)) ? hi : lo;
}

const env = readEnvironment();
const config = loadConfig(env);
const startedAt = new Date();
const machine = machineLine();
let embedded: EmbeddedDatabase | undefined;
let uri = config.mongo.uri;
if (!uri) {
  embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, logger: silentLogger() });
  uri = embedded.uri;
}
const database = embedded ? 'embedded FerretDB 1.24 (SQLite)' : 'MongoDB';
const db = await openDatabase({ uri, dbName: config.mongo.dbName, logger: silentLogger(), attempts: 3 });
let api: (Child & { url: string; port: number }) | undefined;
const results: SuiteResult[] = [];
const append = !values['no-append'];
try {
  const customers = await countGenerated(db);
  say(
    `bench: ${database}${embedded ? ` in ${config.dataDir}` : ''}, ${customers.toLocaleString('en-US')} generated customers (seed ${seed}); ${machine}`,
  );
  if (append) {
    const args = process.argv.slice(2).join(' ');
    appendRunHeader({
      startedAt,
      customers,
      database,
      machine,
      command: `npm run bench${args ? ` -- ${args}` : ''}`,
    });
  }
  const ctx: BenchContext = {
    mongoUri: uri,
    dbName: config.mongo.dbName,
    database,
    embedded: Boolean(embedded),
    db,
    customers,
    seed,
    seconds,
    connections,
    async api() {
      api ??= await startApi({ mongoUri: uri, dbName: config.mongo.dbName, env });
      return api;
    },
  };
  for (const name of selected) {
    const t0 = Date.now();
    say(`\n== ${name} ==`);
    let r: SuiteResult;
    try {
      if (name === 'compliance') r = await complianceSuite();
      else if (name === 'weapp') r = weappSuite();
      else if (name === 'indexes') r = await indexesSuite(ctx);
      else if (name === 'http') r = await httpSuite(ctx);
      else if (name === 'callback') r = await callbackSuite(ctx);
      else if (name === 'bot') {
        // The API is done by now: stop it so the in-process bot does not share the CPU with an idle server.
        await api?.stop();
        api = undefined;
        r = await botSuite(ctx, { secret: resolveSecret(config) });
      } else {
        const policies = Number(values['jobs-policies'] ?? Math.max(10_000, customers));
        const { MONGODB_URI: _u, ...rest } = env;
        r = await jobsSuite({ policies, env: embedded ? rest : env, timeoutMs: 25 * 60_000 });
      }
    } catch (err) {
      r = { name, lines: [`failed: ${(err as Error).message.split('\n')[0]}`] };
    }
    r.lines.push(`(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    for (const l of r.lines) say(l);
    results.push(r);
    if (append) appendSuite(r);
  }
  // Memory at this size: the processes that hold data while serving it.
  const rss = [
    `bench runner (bot engine in-process): ${mb(process.resourceUsage().maxRSS * 1024)}`,
    ...(embedded
      ? [
          `embedded database process: ${(() => {
            const v = peakRssOf(embedded.pid);
            return v ? mb(v) : 'n/a';
          })()}`,
        ]
      : []),
    ...results.filter((r) => r.peakRss).map((r) => `${r.name}: ${mb(r.peakRss ?? 0)}`),
  ];
  results.push({ name: 'Peak RSS', lines: rss });
  if (append) appendSuite({ name: 'Peak RSS', lines: rss });
  say('\n== peak RSS ==');
  for (const l of rss) say(l);
  if (append) say('\nappended to bench/results.md');
} finally {
  await api?.stop();
  await db.close();
  await embedded?.stop();
}
