// Command-line side of the scale seed: argument parsing and a progress bar (stderr, one line redrawn).
import { shanghaiDate, isBusinessDate } from '#core/customer/business-date';
import type { Database } from '#core/db/database';
import { createPiiCipher } from '#core/security/pii';
import type { UserRecord, UserRepository } from '#core/user/user.repository';
import { scaleOrg, seedScale, type ScaleOptions, type ScaleProgress } from './scale.js';

export const SCALE_ARG_OPTIONS = {
  customers: { type: 'string' },
  seed: { type: 'string', default: '1' },
  today: { type: 'string' },
  batch: { type: 'string', default: '500' },
} as const;

/** The scale options from `--customers N --seed S [--today D] [--batch B]`; undefined without --customers. */
export function scaleArgs(v: {
  customers?: string | undefined;
  seed?: string | undefined;
  today?: string | undefined;
  batch?: string | undefined;
}): ScaleOptions | undefined {
  if (v.customers === undefined) return undefined;
  const customers = Number(v.customers.replaceAll('_', ''));
  const seed = Number(v.seed ?? '1');
  const batchSize = Number(v.batch ?? '500');
  if (!Number.isInteger(customers) || customers < 1 || customers > 2_000_000)
    throw new Error(`--customers must be an integer from 1 to 2,000,000 (got ${v.customers})`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffff)
    throw new Error(`--seed must be an integer from 0 to 16777215 (got ${v.seed})`);
  if (!Number.isInteger(batchSize) || batchSize < 10 || batchSize > 5000)
    throw new Error(`--batch must be an integer from 10 to 5000 (got ${v.batch})`);
  const today = v.today ?? shanghaiDate(new Date());
  if (!isBusinessDate(today)) throw new Error(`--today must be YYYY-MM-DD (got ${v.today})`);
  return { customers, seed, today, batchSize };
}

function bar(p: ScaleProgress): string {
  const width = 30;
  const done = Math.round((p.customers / p.total) * width);
  const rate = p.elapsedMs > 0 ? Math.round((p.documents / p.elapsedMs) * 1000) : 0;
  const eta = p.customers > 0 ? ((p.elapsedMs / p.customers) * (p.total - p.customers)) / 1000 : 0;
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.customers.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} customers, ${p.documents.toLocaleString('en-US')} docs, ${rate.toLocaleString('en-US')} docs/s, ETA ${eta.toFixed(0)} s, RSS ${rss} MB`;
}

/** Seeds the org at size, then the generated book, drawing a progress bar on stderr. */
export async function seedScaleWithProgress(
  db: Database,
  users: UserRepository,
  demoUsers: readonly UserRecord[],
  opts: ScaleOptions,
  secret: string,
) {
  const agents = await scaleOrg(users, demoUsers, opts.customers);
  console.log(
    `scale seed: ${opts.customers} customers, seed ${opts.seed}, today ${opts.today}, ${agents.length} agents`,
  );
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  let peakRss = 0;
  const result = await seedScale(db, opts, agents, createPiiCipher(secret), (p) => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    // A redrawn line on a terminal; a line every ~10 s (and at the end) in logs.
    if (tty) process.stderr.write(`\r${bar(p)}`);
    else if (p.elapsedMs - lastLine > 10_000 || p.customers === p.total) {
      lastLine = p.elapsedMs;
      process.stderr.write(`${bar(p)}\n`);
    }
  });
  if (tty) process.stderr.write('\n');
  console.log(
    `scale seed done in ${result.seconds.toFixed(1)} s: ${JSON.stringify({ ...result, seconds: undefined })}, peak RSS ${Math.round(peakRss / 1024 / 1024)} MB`,
  );
  return result;
}
