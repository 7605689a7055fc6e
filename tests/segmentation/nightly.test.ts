import { Types } from 'mongoose';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '#config/config';
import { silentLogger } from '#core/logger';
import { createServices } from '#core/services';
import { createJobDeps } from '#jobs/deps';
import { schedules } from '#jobs/schedules';
import { actorFor, customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { manualClock, phraseGate, recordingChannels, runNamedJob } from '../jobs/support.js';
import { TEST_SECRET } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
const org = orgFactory(db);
const DAY = 86_400_000;

function harness(startIso: string) {
  const clock = manualClock(startIso);
  const services = createServices({
    db: db(),
    secret: TEST_SECRET,
    sessionTtlSeconds: 3600,
    clock: clock.now,
  });
  const deps = createJobDeps({
    config: loadConfig({}),
    logger: silentLogger(),
    db: db(),
    services,
    clock: clock.now,
    secret: TEST_SECRET,
    channels: recordingChannels().channels,
    gate: phraseGate(),
  });
  return { clock, services, deps, f: customerFactory(() => services) };
}

describe('segmentation.nightly', () => {
  test('it is scheduled at 03:30 Asia/Shanghai', () => {
    const s = schedules(loadConfig({}), { leads: true }).find((x) => x.job === 'segmentation.nightly');
    expect(s?.cron).toBe('30 3 * * *');
  });

  test('when 23 customers (some never segmented, some with property policies) are recomputed in batches of 10 a year later, then every one gets tier, RFM and property risk with reasons, updatedAt stays, and a second run writes nothing', async () => {
    const { clock, services, deps, f } = harness('2026-01-05T10:00:00+08:00');
    const { Customer } = db().models;
    const agent = await org.user('agent');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = await f.customer(agent, {
        name: `夜间${i}`,
        occupation: i % 2 ? '司机' : '教师',
        region: i % 3 ? '上海市徐汇区' : '浙江省宁波市',
      });
      ids.push(c.id);
      if (i % 4 === 0)
        await f.policy(agent, c.id, {
          line: '车险',
          sumInsured: 1_200_000,
          premium: 4_000,
          effectiveDate: '2026-01-01',
          expiryDate: '2027-01-01',
        });
    }
    // Three records from before property risk and RFM existed (or from an import that skipped segmentation).
    const legacy = await Customer.insertMany(
      [0, 1, 2].map((i) => ({
        name: `旧客户${i}`,
        nameInitials: 'jkh',
        namePinyin: 'jiukehu',
        sourceChannel: '导入',
        occupation: '个体经营',
        region: '广东省佛山市',
        ownerId: new Types.ObjectId(agent.id),
        teamId: agent.teamId ? new Types.ObjectId(agent.teamId) : undefined,
        branchId: agent.branchId ? new Types.ObjectId(agent.branchId) : undefined,
      })),
    );
    ids.push(...legacy.map((d) => d._id.toString()));
    await Customer.updateOne(
      { _id: new Types.ObjectId(ids[1]) },
      { $unset: { 'segmentation.propertyRisk': '', 'segmentation.rfm': '' } },
    );
    const updatedBefore = new Map(
      (await Customer.find({}, { updatedAt: 1 }).lean()).map((d) => [
        d._id.toString(),
        d.updatedAt.getTime(),
      ]),
    );

    clock.set(new Date(clock.now().getTime() + 400 * DAY)); // 2027-02-09
    const run = await runNamedJob(deps, 'segmentation.nightly', { batchSize: 10 });

    expect(run).toMatchObject({ customers: 23, written: 23, unchanged: 0, skippedConcurrent: 0, batches: 3 });
    const after = await services.customerRepositories.customers.findByIds({ level: 'all' }, ids);
    expect(after).toHaveLength(23);
    for (const c of after) {
      expect(c.segmentation?.propertyRisk).toBeDefined();
      expect(c.segmentation?.rfm?.code).toMatch(/^R\dF\dM\d$/);
      expect(c.segmentation?.reasons.propertyRisk.length).toBe(3);
      expect(c.segmentation?.reasons.rfm.length).toBe(3);
      expect(c.segmentation?.computedAt.toISOString()).toBe('2027-02-09T02:00:00.000Z');
      expect(c.updatedAt.getTime()).toBe(updatedBefore.get(c.id));
    }
    const byId = new Map(after.map((c) => [c.id, c]));
    // Customer 0: teacher in 浙江 with ¥1,200,000 motor cover bought 404 days before the run.
    expect(byId.get(ids[0] ?? '')?.segmentation).toMatchObject({
      propertyRisk: 'medium',
      rfm: { recencyDays: 404, frequency: 1, code: 'R2F1M1' },
      reasons: {
        propertyRisk: [
          '车险有效保单 1 张，保额合计 ¥1,200,000 ≥ ¥1,000,000（+1）',
          '职业「教师」财产风险 1 类',
          '地区「浙江省宁波市」属浙江，台风高发（+1）',
        ],
      },
    });
    // A legacy shop owner in 广东 without policies: 0 + 2 + 1 → high, estimated.
    expect(byId.get(legacy[0]?._id.toString() ?? '')?.segmentation).toMatchObject({
      propertyRisk: 'high',
      rfm: { code: 'R0F0M0' },
      reasons: { propertyRisk: expect.arrayContaining(['未持有有效的车险/财产险保单，按职业和地区预估']) },
    });

    const again = await runNamedJob(deps, 'segmentation.nightly', { batchSize: 10 });
    expect(again).toMatchObject({ customers: 23, written: 0, unchanged: 23, batches: 3 });
  });

  test('when an on-change recompute stored a result after the nightly batch was read, then the nightly write is skipped', async () => {
    const { services, f } = harness('2026-03-01T10:00:00+08:00');
    const agent = await org.user('agent');
    const c = await f.customer(agent, { occupation: '教师' });
    const repo = services.customerRepositories.customers;
    const stored = (await repo.findById({ level: 'all' }, c.id))?.segmentation;
    expect(stored).toBeDefined();
    if (!stored) return;
    const stale = { ...stored, tier: 'high' as const };
    expect(await repo.setSegmentationIfUnchanged(c.id, stale, new Date(0))).toBe(false);
    expect((await repo.findById({ level: 'all' }, c.id))?.segmentation?.tier).toBe(stored.tier);
    expect(await repo.setSegmentationIfUnchanged(c.id, stale, stored.computedAt)).toBe(true);
    expect((await repo.findById({ level: 'all' }, c.id))?.segmentation?.tier).toBe('high');
  });
});

describe('segmentation on change', () => {
  test('when an agent changes the occupation and region, then the property risk is recomputed at once and returned', async () => {
    const { services, f } = harness('2026-03-01T10:00:00+08:00');
    const agent = await org.user('agent');
    const c = await f.customer(agent, { occupation: '教师', region: '上海市静安区' });
    await f.policy(agent, c.id, { line: '财产险', sumInsured: 2_000_000, premium: 3_000 });
    const before = await services.customerRepositories.customers.findById({ level: 'all' }, c.id);
    expect(before?.segmentation?.propertyRisk).toBe('medium');
    const updated = await services.customers.update(actorFor(agent), c.id, {
      occupation: '个体经营',
      region: '福建省厦门市',
    });
    expect(updated.segmentation?.propertyRisk).toBe('high');
    expect(updated.segmentation?.reasons.propertyRisk).toEqual([
      '财产险有效保单 1 张，保额合计 ¥2,000,000 ≥ ¥1,000,000（+1）',
      '职业「个体经营」财产风险 3 类：经营场所与存货集中，火灾、盗抢风险高（+2）',
      '地区「福建省厦门市」属福建，台风高发（+1）',
    ]);
  });
});
