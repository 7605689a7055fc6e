import { describe, expect, test } from 'vitest';
import { festivalsBetween, festivalsOfYear, lunarLabel } from '#core/care/festivals';
import { createServices } from '#core/services';
import { silentLogger } from '#core/logger';
import { createAutomationQueries } from '#core/notification/automation-queries';
import { taskIdFor } from '#core/notification/automation-support';
import { createCareAutomation } from '#core/care/care.service';
import { createDormantAutomation } from '#core/notification/dormant';
import { createNotificationRepository } from '#core/notification/notification.repository';
import { loadConfig } from '#config/config';
import { customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { TEST_SECRET } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { manualClock, outboxFor, recordingChannels } from './support.js';

describe('care calendar', () => {
  test('when festivals of 2025–2027 are computed, then the lunar ones match the published solar dates', () => {
    const dates = (y: number) => Object.fromEntries(festivalsOfYear(y).map((f) => [f.name, f.date]));
    expect(dates(2025)).toMatchObject({
      春节: '2025-01-29',
      元宵节: '2025-02-12',
      端午节: '2025-05-31',
      七夕: '2025-08-29',
      中秋节: '2025-10-06',
      重阳节: '2025-10-29',
      母亲节: '2025-05-11',
      父亲节: '2025-06-15',
    });
    expect(dates(2026)).toMatchObject({ 春节: '2026-02-17', 端午节: '2026-06-19', 中秋节: '2026-09-25' });
    expect(dates(2027)).toMatchObject({ 春节: '2027-02-06', 中秋节: '2027-09-15', 重阳节: '2027-10-08' });
    expect(lunarLabel('2026-09-25')).toBe('八月十五');
  });

  test('when a range crosses the new year, then festivals of both years are found in order', () => {
    expect(festivalsBetween('2026-12-30', '2027-01-02').map((f) => `${f.name} ${f.date}`)).toEqual([
      '元旦 2027-01-01',
    ]);
  });
});

const db = useTestDatabase();
const org = orgFactory(db);

function careDeps(clock: ReturnType<typeof manualClock>) {
  const services = createServices({
    db: db(),
    secret: TEST_SECRET,
    sessionTtlSeconds: 3600,
    clock: clock.now,
  });
  const rec = recordingChannels();
  const outbox = outboxFor(db(), { clock, channels: rec.channels });
  return {
    services,
    rec,
    outbox,
    deps: {
      queries: createAutomationQueries(db().models),
      users: services.repositories.users,
      tasks: services.customerRepositories.tasks,
      events: services.customerRepositories.events,
      outbox,
      notifications: createNotificationRepository(db().models),
      settings: loadConfig({}).notifications,
      clock: clock.now,
      logger: silentLogger(),
    },
  };
}

describe('care.daily', () => {
  test('when a customer and a family member have birthdays today and a festival is 3 days away, then tasks with greetings are created once and the agent gets one summary', async () => {
    // 2026-09-22: 中秋 (09-25) is three days ahead.
    const clock = manualClock('2026-09-22T07:30:00+08:00');
    const { services, deps, rec, outbox } = careDeps(clock);
    const agent = await org.user('agent', {}, { name: '关怀业务员' });
    const f = customerFactory(() => services);
    const c = await f.customer(agent, {
      name: '陈美',
      gender: 'female',
      birthday: '1988-09-22',
      family: [{ relation: 'child', name: '陈小宝', birthday: '2019-09-22' }],
    });
    const care = createCareAutomation(deps);
    const first = await care.run();
    const again = await care.run();
    expect(first.festivals).toContain('中秋节 2026-09-25');
    expect(again.tasks).toBe(0);
    const tasks = await db().models.Task.find({ ownerId: agent.id }).sort({ title: 1 }).lean();
    expect(tasks.map((t) => t.title).sort()).toEqual(
      [
        '今天是客户陈美的生日，送上祝福',
        '今天是客户陈美的子女陈小宝的生日',
        '中秋节（2026-09-25）：为 1 位客户送上节日祝福',
      ].sort(),
    );
    const birthday = tasks.find((t) => t.title.includes('陈美的生日'));
    expect(birthday?.note).toContain('陈女士，生日快乐');
    expect(birthday?._id.toString()).toBe(taskIdFor(`care:birthday:${c.id}:2026`));
    // 07:30 is inside quiet hours: the summary waits for 08:00, then goes once.
    await outbox.dispatchDue();
    expect(rec.delivered).toHaveLength(0);
    clock.set('2026-09-22T08:00:00+08:00');
    await outbox.dispatchDue();
    expect(rec.delivered).toHaveLength(1);
    expect(rec.delivered[0]!.m).toMatchObject({ toUser: agent.wecomUserId });
  });

  test('when a customer was born on 29 February, then in a common year the task comes on 28 February', async () => {
    const clock = manualClock('2027-02-28T07:30:00+08:00');
    const { services, deps } = careDeps(clock);
    const agent = await org.user('agent');
    const c = await customerFactory(() => services).customer(agent, { name: '闰日', birthday: '1996-02-29' });
    await createCareAutomation(deps).run();
    expect(await db().models.Task.countDocuments({ customerId: c.id })).toBe(1);
  });
});

describe('customers.dormant', () => {
  test('when a customer has had no interaction for 365 days, then one wake-up task is created however often the job runs', async () => {
    const clock = manualClock('2026-03-01T07:00:00+08:00');
    const { services, deps } = careDeps(clock);
    const agent = await org.user('agent');
    const f = customerFactory(() => services);
    const sleeping = await f.customer(agent, { name: '沉睡' });
    const awake = await f.customer(agent, { name: '活跃' });
    await db().models.Customer.updateOne(
      { _id: sleeping.id },
      { $set: { lastInteractionAt: new Date('2025-02-01T00:00:00Z') } },
    );
    await db().models.Customer.updateOne(
      { _id: awake.id },
      { $set: { lastInteractionAt: new Date('2026-01-01T00:00:00Z') } },
    );
    const dormant = createDormantAutomation(deps);
    expect((await dormant.run()).tasks).toBe(1);
    expect((await dormant.run()).tasks).toBe(0);
    const tasks = await db().models.Task.find({ ownerId: agent.id }).lean();
    expect(tasks.map((t) => t.title)).toEqual(['唤醒沉睡客户：沉睡（自 2025-02-01 起无沟通记录）']);
  });
});
