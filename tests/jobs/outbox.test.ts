import { Types } from 'mongoose';
import { beforeEach, describe, expect, test } from 'vitest';
import { ChannelError } from '#core/notification/channels';
import { createNotificationRepository } from '#core/notification/notification.repository';
import { useTestDatabase } from '../setup/test-db.js';
import { manualClock, outboxFor, recordingChannels } from './support.js';

const db = useTestDatabase();
// Each test dispatches "everything due"; start each from an empty outbox.
beforeEach(async () => {
  await db().models.Notification.deleteMany({});
  await db().models.NotificationSlot.deleteMany({});
});
const key = (s: string) => `${s}:${new Types.ObjectId().toString()}`;
const agentMsg = (
  dedupeKey: string,
  over: Partial<{ wecomUserId: string; urgent: boolean; text: string }> = {},
) => ({
  dedupeKey,
  kind: 'test',
  channel: 'agent_app' as const,
  urgent: over.urgent ?? false,
  to: { wecomUserId: over.wecomUserId ?? 'agent1' },
  message: { format: 'text' as const, text: over.text ?? '您好' },
});

describe('notification outbox: exactly once', () => {
  test('when the same dedupe key is enqueued twice and dispatched twice, then one row exists and one message is sent', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const k = key('renewal');
    const first = await outbox.enqueue(agentMsg(k));
    const second = await outbox.enqueue(agentMsg(k, { text: '另一条' }));
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.record.id).toBe(first.record.id);
    await outbox.dispatchDue();
    await outbox.dispatchDue();
    expect(rec.delivered.filter((d) => d.m.idempotencyKey === k)).toHaveLength(1);
    const row = await createNotificationRepository(db().models).findByDedupeKey(k);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(row?.sentAt?.toISOString()).toBe('2026-03-02T02:00:00.000Z');
  });

  test('when two workers dispatch the same due rows at once, then every row is sent exactly once', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const rec = recordingChannels();
    const a = outboxFor(db(), { clock, channels: rec.channels, worker: 'worker-a' });
    const b = outboxFor(db(), { clock, channels: rec.channels, worker: 'worker-b' });
    const keys = Array.from({ length: 40 }, (_, i) => key(`race${i}`));
    // Different members, so pacing (25/min per member) does not interfere with the race.
    for (const [i, k] of keys.entries()) await a.enqueue(agentMsg(k, { wecomUserId: `m${i}` }));
    const [sa, sb] = await Promise.all([a.dispatchDue(), b.dispatchDue()]);
    expect(sa.sent + sb.sent).toBe(40);
    expect(rec.calls()).toBe(40);
    for (const k of keys) expect(rec.delivered.filter((d) => d.m.idempotencyKey === k)).toHaveLength(1);
  });

  test('when ten producers enqueue the same dedupe key at once, then exactly one row is written', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const outbox = outboxFor(db(), { clock, channels: recordingChannels().channels });
    const k = key('concurrent');
    const results = await Promise.all(Array.from({ length: 10 }, () => outbox.enqueue(agentMsg(k))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
    expect(await db().models.Notification.countDocuments({ dedupeKey: k })).toBe(1);
  });
});

describe('notification outbox: quiet hours', () => {
  test('when a non-urgent message is enqueued at 22:40, then it waits until 08:00 and an urgent one goes at once', async () => {
    const clock = manualClock('2026-03-02T22:40:00+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const calm = key('calm');
    const urgent = key('urgent');
    const { record } = await outbox.enqueue(agentMsg(calm, { wecomUserId: 'q1' }));
    expect(record.nextAttemptAt?.toISOString()).toBe('2026-03-03T00:00:00.000Z'); // 08:00 Shanghai
    expect(record.deferredReason).toBe('quiet_hours');
    await outbox.enqueue(agentMsg(urgent, { wecomUserId: 'q1', urgent: true }));
    await outbox.dispatchDue();
    expect(rec.delivered.map((d) => d.m.idempotencyKey)).toEqual([urgent]);
    clock.set('2026-03-03T07:59:00+08:00');
    await outbox.dispatchDue();
    expect(rec.delivered).toHaveLength(1);
    clock.set('2026-03-03T08:00:00+08:00');
    await outbox.dispatchDue();
    expect(rec.delivered.map((d) => d.m.idempotencyKey)).toEqual([urgent, calm]);
  });

  test('when a message due at 20:59 is first dispatched at 21:00, then it is deferred to the morning without using an attempt', async () => {
    const clock = manualClock('2026-03-02T20:59:00+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const k = key('edge');
    await outbox.enqueue(agentMsg(k, { wecomUserId: 'q2' }));
    clock.set('2026-03-02T21:00:00+08:00');
    // Only urgent rows are claimed during quiet hours.
    expect((await outbox.dispatchDue()).claimed).toBe(0);
    clock.set('2026-03-03T08:00:30+08:00');
    await outbox.dispatchDue();
    const row = await createNotificationRepository(db().models).findByDedupeKey(k);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

describe('notification outbox: platform refusals', () => {
  test('when WeChat answers 43101 (not subscribed), then the row is skipped as unsubscribed and never retried', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const rec = recordingChannels({
      fail: (d) =>
        d.channel === 'subscribe'
          ? Object.assign(new Error('user refuse to accept the msg'), { errcode: 43101 })
          : undefined,
    });
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const k = key('sub');
    await outbox.enqueue({
      dedupeKey: k,
      kind: 'claim_status',
      channel: 'customer_subscribe',
      urgent: true,
      to: { openid: 'o-123' },
      message: { format: 'subscribe', templateId: 'tpl-claim', data: { thing1: { value: '已受理' } } },
    });
    await outbox.dispatchDue();
    clock.advance(3 * 3600_000);
    await outbox.dispatchDue();
    expect(rec.calls()).toBe(1);
    const row = await createNotificationRepository(db().models).findByDedupeKey(k);
    expect(row).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed', attempts: 1 });
  });

  test('when a customer has used the monthly cap, then further WeCom customer messages that month are skipped, and the next month they go again', async () => {
    const clock = manualClock('2026-03-30T10:00:00+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels, cap: 2 });
    const customerId = new Types.ObjectId().toString();
    const msg = (k: string) => ({
      dedupeKey: k,
      kind: 'care_greeting',
      channel: 'customer_wecom' as const,
      to: { customerId, externalUserId: 'wm-ext-1', senderWecomUserId: 'agent1' },
      message: { format: 'text' as const, text: '生日快乐' },
    });
    const keys = [key('cap1'), key('cap2'), key('cap3')];
    for (const k of keys) await outbox.enqueue(msg(k));
    await outbox.dispatchDue();
    const repo = createNotificationRepository(db().models);
    const rows = await Promise.all(keys.map((k) => repo.findByDedupeKey(k)));
    expect(rows.map((r) => r?.status)).toEqual(['sent', 'sent', 'skipped']);
    expect(rows[2]?.skipReason).toBe('monthly_cap');
    // 1 April in Shanghai is 31 March 16:00 UTC: a new month, a fresh quota.
    clock.set('2026-04-01T00:30:00+08:00');
    const april = key('cap4');
    await outbox.enqueue({ ...msg(april), urgent: true });
    await outbox.dispatchDue();
    expect((await repo.findByDedupeKey(april))?.status).toBe('sent');
    expect(rec.delivered.filter((d) => d.channel === 'customerWecom')).toHaveLength(3);
  });

  test('when a customer message fails, then it does not use up the monthly quota', async () => {
    const clock = manualClock('2026-05-10T10:00:00+08:00');
    let failOnce = true;
    const rec = recordingChannels({
      fail: () => {
        if (!failOnce) return undefined;
        failOnce = false;
        return new ChannelError('retryable', 'network reset');
      },
    });
    const outbox = outboxFor(db(), { clock, channels: rec.channels, cap: 1 });
    const customerId = new Types.ObjectId().toString();
    const k = key('quota');
    await outbox.enqueue({
      dedupeKey: k,
      kind: 'care_greeting',
      channel: 'customer_wecom',
      to: { customerId, externalUserId: 'wm-ext-2', senderWecomUserId: 'agent1' },
      message: { format: 'text', text: '节日快乐' },
    });
    await outbox.dispatchDue();
    clock.advance(61_000);
    await outbox.dispatchDue();
    const row = await createNotificationRepository(db().models).findByDedupeKey(k);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('when the access token expires in the middle of a batch, then that message is retried after back-off and the others are not sent twice', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const rec = recordingChannels({
      fail: (_d, call) =>
        call === 3 ? Object.assign(new Error('access_token expired'), { errcode: 42001 }) : undefined,
    });
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const keys = Array.from({ length: 5 }, (_, i) => key(`tok${i}`));
    for (const [i, k] of keys.entries()) {
      await outbox.enqueue(agentMsg(k, { wecomUserId: `t${i}` }));
      clock.advance(1); // keeps the dispatch order equal to the enqueue order
    }
    const first = await outbox.dispatchDue();
    expect(first).toMatchObject({ sent: 4, failed: 1 });
    const repo = createNotificationRepository(db().models);
    const failed = await repo.findByDedupeKey(keys[2]!);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.nextAttemptAt?.getTime()).toBe(clock.now().getTime() + 60_000);
    // Before the back-off ends nothing is retried; after it, only the failed one is.
    expect((await outbox.dispatchDue()).claimed).toBe(0);
    clock.advance(60_000);
    expect(await outbox.dispatchDue()).toMatchObject({ claimed: 1, sent: 1 });
    for (const k of keys) expect(rec.delivered.filter((d) => d.m.idempotencyKey === k)).toHaveLength(1);
  });

  test('when a message keeps failing, then it is retried with growing delays and given up after the last attempt', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const rec = recordingChannels({ fail: () => new ChannelError('retryable', 'busy') });
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const k = key('giveup');
    await outbox.enqueue(agentMsg(k, { wecomUserId: 'g1', urgent: true }));
    const repo = createNotificationRepository(db().models);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await outbox.dispatchDue();
      const row = await repo.findByDedupeKey(k);
      if (!row?.nextAttemptAt) break;
      delays.push(row.nextAttemptAt.getTime() - clock.now().getTime());
      clock.set(row.nextAttemptAt);
    }
    expect(delays).toEqual([60_000, 300_000, 1_800_000, 7_200_000]);
    const row = await repo.findByDedupeKey(k);
    expect(row).toMatchObject({ status: 'failed', attempts: 5 });
    expect(row?.lastError).toMatch(/gave up after 5 attempts/);
  });

  test('when a text hits the compliance lexicon, then it is skipped as compliance_block and nothing is sent', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const k = key('compliance');
    await outbox.enqueue(agentMsg(k, { text: '这款产品保本保息', wecomUserId: 'c1' }));
    await outbox.dispatchDue();
    expect(rec.calls()).toBe(0);
    const row = await createNotificationRepository(db().models).findByDedupeKey(k);
    expect(row).toMatchObject({ status: 'skipped', skipReason: 'compliance_block' });
  });

  test('when the recipient has no WeCom binding, then the row is recorded as skipped at once', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const outbox = outboxFor(db(), { clock, channels: recordingChannels().channels });
    const { record } = await outbox.enqueue({
      dedupeKey: key('nobind'),
      kind: 'renewal_reminder',
      channel: 'customer_subscribe',
      to: { customerId: new Types.ObjectId().toString() },
      message: { format: 'subscribe', templateId: 'tpl' },
    });
    expect(record).toMatchObject({ status: 'skipped', skipReason: 'no_binding' });
  });

  test('when a message is still pending after its expiry, then it is skipped as expired', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const k = key('expiry');
    await outbox.enqueue({
      ...agentMsg(k, { wecomUserId: 'e1' }),
      expiresAt: new Date('2026-03-02T12:00:00+08:00'),
    });
    clock.set('2026-03-02T13:00:00+08:00');
    await outbox.dispatchDue();
    expect(rec.calls()).toBe(0);
    expect((await createNotificationRepository(db().models).findByDedupeKey(k))?.skipReason).toBe('expired');
  });
});

describe('notification outbox: pacing and crashes', () => {
  test('when 30 messages for one member are due in the same minute, then 25 go now and 5 the next minute', async () => {
    const clock = manualClock('2026-03-02T10:00:10+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    for (let i = 0; i < 30; i++)
      await outbox.enqueue(agentMsg(key(`pace${i}`), { wecomUserId: 'busy-member' }));
    const first = await outbox.dispatchDue();
    expect(first.sent).toBe(25);
    expect(rec.delivered).toHaveLength(25);
    clock.set('2026-03-02T10:01:00+08:00');
    await outbox.dispatchDue();
    expect(rec.delivered).toHaveLength(30);
  });

  test('when a worker died holding a lease, then the sweeper requeues resend-safe rows and flags the others as outcome unknown', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const repo = createNotificationRepository(db().models);
    const app = key('lease-app');
    const sub = key('lease-sub');
    await outbox.enqueue(agentMsg(app, { wecomUserId: 'l1' }));
    await outbox.enqueue({
      dedupeKey: sub,
      kind: 'claim_status',
      channel: 'customer_subscribe',
      urgent: true,
      to: { openid: 'o-9' },
      message: { format: 'subscribe', templateId: 'tpl' },
    });
    // A worker that claims both and dies before finishing either.
    for (let i = 0; i < 2; i++) {
      await repo.claimNext({
        now: clock.now(),
        worker: 'dead-worker',
        lockedUntil: new Date(clock.now().getTime() + 120_000),
        channels: ['agent_app', 'customer_subscribe'],
        urgentOnly: false,
      });
    }
    expect((await outbox.sweep()).requeued).toBe(0); // leases still valid
    clock.advance(121_000);
    expect(await outbox.sweep()).toMatchObject({ requeued: 1, unknown: 1 });
    await outbox.dispatchDue();
    expect(rec.delivered.map((d) => d.m.idempotencyKey)).toEqual([app]);
    expect(await repo.findByDedupeKey(sub)).toMatchObject({ status: 'failed' });
    expect((await repo.findByDedupeKey(sub))?.lastError).toMatch(/outcome unknown/);
  });
});
