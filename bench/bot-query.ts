// Reply latency of `查 <name>` through the whole bot engine (parse → scoped search → 360 view → card)
// with 10,000 customers in the database. Run: npm run bench:bot [-- --customers 10000 --queries 200]
// Uses MONGODB_URI when set, else an embedded FerretDB in a temp dir; the bench database is dropped after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import { createBot } from '#bot/engine';
import { loadConfig, readEnvironment } from '#config/config';
import { nameSearchKeys } from '#core/customer/search-keys';
import { openDatabase } from '#core/db/database';
import { startEmbeddedDatabase } from '#core/db/embedded';
import { createLogger, silentLogger } from '#core/logger';
import { createServices } from '#core/services';
import { createUserRepository } from '#core/user/user.repository';

const { values } = parseArgs({
  options: { customers: { type: 'string', default: '10000' }, queries: { type: 'string', default: '200' } },
});
const CUSTOMERS = Number(values.customers);
const QUERIES = Number(values.queries);

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈',
];
const GIVEN = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏浩宇轩然晨曦子涵一诺欣怡梓萱',
];

async function main() {
  const config = loadConfig(readEnvironment());
  const logger = createLogger({ level: 'warn', name: 'bench' });
  let dataDir: string | undefined;
  let embedded: Awaited<ReturnType<typeof startEmbeddedDatabase>> | undefined;
  let uri = config.mongo.uri;
  if (!uri) {
    dataDir = mkdtempSync(path.join(tmpdir(), 'qibao-bench-'));
    embedded = await startEmbeddedDatabase({ dataDir, logger });
    uri = embedded.uri;
  }
  const db = await openDatabase({
    uri,
    dbName: `qibao_bench_${Date.now()}`,
    logger: silentLogger(),
    attempts: 3,
  });
  try {
    const users = createUserRepository(db.models);
    const branch = await users.insertBranch({ name: '基准分部' });
    const team = await users.insertTeam({ name: '基准团队', branchId: branch.id });
    const agents = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        users.insertUser({
          name: `业务员${i}`,
          role: 'agent',
          wecomUserId: `bench_agent_${i}`,
          teamId: team.id,
          branchId: branch.id,
          region: undefined,
          productLines: [],
          active: true,
        }),
      ),
    );
    const manager = await users.insertUser({
      name: '经理',
      role: 'branch_manager',
      wecomUserId: 'bench_manager',
      teamId: undefined,
      branchId: branch.id,
      region: undefined,
      productLines: [],
      active: true,
    });
    // Seeded straight into the collection (the services would audit and segment each one: minutes).
    const started = Date.now();
    const names: string[] = [];
    for (let done = 0; done < CUSTOMERS; done += 1000) {
      const batch = Array.from({ length: Math.min(1000, CUSTOMERS - done) }, (_, k) => {
        const name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.5 ? pick(GIVEN) : '');
        names.push(name);
        const keys = nameSearchKeys(name);
        const owner = agents[(done + k) % agents.length];
        const phone = `+86139${String(done + k).padStart(8, '0')}`;
        return {
          name,
          nameInitials: keys.initials,
          namePinyin: keys.full,
          gender: 'unknown',
          phones: [{ number: phone, label: 'mobile' }],
          phoneLast4: [phone.slice(-4)],
          softInfo: { notes: '', tags: [] },
          tags: [],
          sourceChannel: '其他',
          ownerId: new Types.ObjectId(owner?.id),
          teamId: new Types.ObjectId(team.id),
          branchId: new Types.ObjectId(branch.id),
        };
      });
      await db.models.Customer.insertMany(batch, { ordered: false });
    }
    process.stdout.write(
      `seeded ${CUSTOMERS} customers in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );

    const clock = () => new Date();
    const services = createServices({
      db,
      secret: 'bench-secret-that-is-long-enough-0123456789',
      sessionTtlSeconds: 60,
      clock,
    });
    const bot = createBot({ services, db, clock });
    await bot.ready();
    for (const [label, who] of [
      ['agent (own scope, ~2,000 customers)', agents[0]?.wecomUserId ?? ''],
      ['branch manager (all 10,000)', manager.wecomUserId],
    ] as const) {
      // Warm-up: connection pool, JIT, first-query plans.
      for (let i = 0; i < 3; i++) await bot.handle({ via: 'wecom', wecomUserId: who }, `查 ${pick(names)}`);
      const ms: number[] = [];
      const kinds = new Map<string, number>();
      for (let i = 0; i < QUERIES; i++) {
        const t0 = performance.now();
        const replies = await bot.handle({ via: 'wecom', wecomUserId: who }, `查 ${pick(names)}`);
        ms.push(performance.now() - t0);
        const kind =
          replies[0]?.kind === 'card'
            ? 'card'
            : (replies[0]?.text ?? '').includes('找到')
              ? 'list/none'
              : 'other';
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      ms.sort((a, b) => a - b);
      const at = (q: number) => (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0).toFixed(1);
      process.stdout.write(
        `查 <name> as ${label}: ${QUERIES} queries, median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms; replies ${JSON.stringify(Object.fromEntries(kinds))}\n`,
      );
    }
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
