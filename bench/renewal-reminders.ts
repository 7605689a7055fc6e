// Enqueueing renewal reminders for a large book: seeds N in-force policies (default 100,000) expiring in
// the 60-day window, runs the renewals.scan job once, and prints the time and memory. The scan streams
// policies in keyset batches and bulk-inserts each batch's outbox rows, so memory must stay flat as N grows.
// Run: npm run bench:renewals [-- --policies 100000]   (a throwaway embedded database, or MONGODB_URI)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import { loadConfig, readEnvironment } from '#config/config';
import { connectConfiguredDatabase } from '#core/db/bootstrap';
import { createLogger, silentLogger } from '#core/logger';
import { addDays, shanghaiDateOf } from '#core/notification/shanghai-time';
import { createServices } from '#core/services';
import { createJobDeps } from '#jobs/deps';

const { values } = parseArgs({ options: { policies: { type: 'string', default: '100000' } } });
const N = Number(values.policies);
const POLICIES_PER_CUSTOMER = 4;
const AGENTS = 50;

const env = readEnvironment();
const dataDir = mkdtempSync(path.join(tmpdir(), 'qibao-bench-'));
const config = loadConfig({ ...env, QIBAO_DATA_DIR: dataDir, MONGODB_DB_NAME: `qibao_bench_${Date.now()}` });
const database = await connectConfiguredDatabase(config, createLogger({ level: 'warn', name: 'bench' }));
const { db } = database;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

try {
  const now = new Date('2026-03-02T08:00:00+08:00');
  const today = shanghaiDateOf(now);
  const branchId = new Types.ObjectId();
  const teamId = new Types.ObjectId();
  const agents = Array.from({ length: AGENTS }, (_, i) => ({
    _id: new Types.ObjectId(),
    name: `业务员${i}`,
    role: 'agent',
    wecomUserId: `bench_agent_${i}`,
    teamId,
    branchId,
    active: true,
  }));
  await db.models.User.insertMany(agents);

  // --- seed (not measured) ---
  const seedStart = Date.now();
  const BATCH = 2000;
  for (let done = 0; done < N; done += BATCH) {
    const n = Math.min(BATCH, N - done);
    const customers = Array.from({ length: Math.ceil(n / POLICIES_PER_CUSTOMER) }, (_, i) => {
      const agent = agents[(done + i) % AGENTS] as (typeof agents)[number];
      return {
        _id: new Types.ObjectId(),
        name: `客户${done + i}`,
        nameInitials: 'kh',
        namePinyin: 'kehu',
        identities: { openid: `o_bench_${done + i}` },
        ownerId: agent._id,
        teamId,
        branchId,
      };
    });
    await db.models.Customer.insertMany(customers, { lean: true });
    const policies = Array.from({ length: n }, (_, i) => {
      const c = customers[Math.floor(i / POLICIES_PER_CUSTOMER)] as (typeof customers)[number];
      return {
        number: `BENCH${done + i}`,
        insurer: '平安人寿',
        product: '平安福',
        line: '重疾',
        customerId: c._id,
        applicantName: c.name,
        insuredName: c.name,
        sumInsured: 500_000,
        premium: 8_000,
        paymentFrequency: 'annual',
        effectiveDate: '2025-05-01',
        // Spread over the 60-day offset's 3-day window, so every policy is due today.
        expiryDate: addDays(today, 58 + ((done + i) % 3)),
        status: 'in_force',
        ownerId: c.ownerId,
        teamId,
        branchId,
      };
    });
    await db.models.Policy.insertMany(policies, { lean: true });
  }
  process.stdout.write(`seeded ${N} policies in ${((Date.now() - seedStart) / 1000).toFixed(1)} s\n`);

  // --- measured: one renewals.scan ---
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const clock = () => now;
  const services = createServices({
    db,
    secret: 'bench-secret-'.padEnd(40, 'x'),
    sessionTtlSeconds: 3600,
    clock,
  });
  const deps = createJobDeps({
    config,
    logger: silentLogger(),
    db,
    services,
    clock,
    secret: 'bench',
    channels: {},
    gate: { checkOutgoing: async () => ({ blocked: false, rules: [] }) },
  });
  const started = Date.now();
  const result = await deps.automations.renewals.scan();
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const rows = await db.models.Notification.countDocuments({ kind: 'renewal_reminder' });
  process.stdout.write(
    `${JSON.stringify(
      {
        ...result,
        policies: N,
        outboxRows: rows,
        seconds: Number(seconds.toFixed(1)),
        policiesPerSecond: Math.round(N / seconds),
        rssBeforeScan: mb(rssBefore),
        peakRssDuringScan: mb(peakRss),
        maxRssOfProcess: mb(process.resourceUsage().maxRSS * 1024),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await db.connection.dropDatabase().catch(() => undefined);
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
}
