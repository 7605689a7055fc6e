import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from '#config/config';
import { remindKey } from '#core/notification/group-send';
import type { NotificationRecord } from '#core/notification/notification.repository';
import { createNotificationRepository } from '#core/notification/notification.repository';
import type { UserRecord } from '#core/user/user.repository';
import type { JobDeps } from '#jobs/deps';
import { customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { useTestDatabase } from '../setup/test-db.js';
import { fakeTime, startHarness, type FakeTime, type Harness } from '../wecom/harness.js';
import { harnessJobDeps, runNamedJob } from './support.js';

// WeCom customer messages (add_msg_template) are only prepared: the agent must send them in WeCom.
// notifications.groupmsg-followup reads get_groupmsg_send_result, nudges the agent with
// remind_groupmsg_send through the outbox, and records the outcome. Everything goes to the simulator
// over real HTTP; the simulator refuses a 4th reminder within 24 h, as WeCom does.

const db = useTestDatabase();
const org = orgFactory(db);
const HOUR = 3600_000;
const REMIND = '/cgi-bin/externalcontact/remind_groupmsg_send';
const PREPARE = '/cgi-bin/externalcontact/add_msg_template';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function depsFor(
  harness: Harness,
  time: FakeTime,
  worker: string,
  env: Record<string, string> = {},
): JobDeps {
  return harnessJobDeps(db(), harness, time.clock, loadConfig({ QIBAO_JOBS_WORKER_NAME: worker, ...env }));
}

/** An agent, a customer who is their WeCom contact (and a mini-program user), and a running harness. */
async function world(
  startIso: string,
  opts: { externalUserId: string; openid: string; wecomUserId: string },
) {
  const time = fakeTime(Date.parse(startIso));
  const agent: UserRecord = await org.user('agent', {}, { name: '钱业务员', wecomUserId: opts.wecomUserId });
  h = await startHarness(db(), { time, members: [opts.wecomUserId], startDispatcher: false });
  const harness = h;
  const f = customerFactory(() => harness.services);
  const customer = await f.customer(agent, {
    name: '孙客户',
    identities: { externalUserId: opts.externalUserId, openid: opts.openid },
  });
  harness.sim.state.externalContacts.set(opts.externalUserId, {
    name: '孙客户',
    followers: new Map([[opts.wecomUserId, { createtime: 1 }]]),
  });
  return { time, agent, customer, harness, f };
}

/** Prepares one WeCom customer message through the outbox and returns its row (status sent, awaiting). */
async function prepare(
  deps: JobDeps,
  w: { agent: UserRecord; customer: { id: string } },
  ids: { externalUserId: string; wecomUserId: string },
  key: string,
): Promise<NotificationRecord> {
  await deps.outbox.enqueue({
    dedupeKey: key,
    kind: 'renewal_reminder',
    channel: 'customer_wecom',
    to: { customerId: w.customer.id, externalUserId: ids.externalUserId, senderWecomUserId: ids.wecomUserId },
    owner: { userId: w.agent.id },
    message: { format: 'text', text: '孙先生您好，您的保单将于下月到期，我会尽快与您确认续保事宜。' },
  });
  await deps.outbox.dispatchDue();
  const row = await createNotificationRepository(db().models).findByDedupeKey(key);
  if (!row) throw new Error('not enqueued');
  return row;
}

const rowOf = async (key: string) => createNotificationRepository(db().models).findByDedupeKey(key);
const capUnits = (customerId: string, month: string) =>
  createNotificationRepository(db().models).slotCount(`cap:${customerId}:${month}`);

async function tick(...workers: JobDeps[]) {
  await Promise.all(workers.map((d) => runNamedJob(d, 'notifications.groupmsg-followup')));
  await Promise.all(workers.map((d) => runNamedJob(d, 'notifications.dispatch')));
}

describe('notifications.groupmsg-followup', () => {
  test('when two workers follow the same unsent message, then each nudge reaches WeCom exactly once', async () => {
    const ids = { externalUserId: 'wm_race', openid: 'o_race', wecomUserId: 'agent_race' };
    const w = await world('2026-03-10T09:00:00+08:00', ids);
    const w1 = depsFor(w.harness, w.time, 'w1');
    const w2 = depsFor(w.harness, w.time, 'w2');
    const row = await prepare(w1, w, ids, 'test:race:1');
    expect(row).toMatchObject({ status: 'sent', groupSend: { state: 'awaiting' } });
    const msgId = row.providerMsgId ?? '';
    expect(w.harness.sim.callsTo(PREPARE)).toHaveLength(1);

    // Before the first nudge is due (4 h), nothing is sent however often both workers run.
    w.time.advance(3 * HOUR);
    await tick(w1, w2);
    expect(w.harness.sim.callsTo(REMIND)).toHaveLength(0);

    w.time.advance(1 * HOUR); // 13:00: the 4-hour nudge
    await tick(w1, w2);
    await tick(w1, w2);
    expect(w.harness.sim.callsTo(REMIND)).toEqual([expect.objectContaining({ errcode: 0 })]);
    expect(await rowOf(remindKey(msgId, 1))).toMatchObject({
      status: 'sent',
      channel: 'customer_wecom_remind',
      related: { type: 'notification', id: row.id },
    });

    w.time.advance(20 * HOUR); // next day 09:00: the 24-hour nudge, once
    await tick(w1, w2);
    await tick(w2, w1);
    expect(w.harness.sim.callsTo(REMIND)).toHaveLength(2);
    expect(await rowOf(remindKey(msgId, 2))).toMatchObject({ status: 'sent' });
    expect((await rowOf(row.dedupeKey))?.groupSend?.state).toBe('awaiting');
  }, 60_000);

  test('when the agent has sent the message, then no further nudge goes out and it is recorded as sent', async () => {
    const ids = { externalUserId: 'wm_sent', openid: 'o_sent', wecomUserId: 'agent_sent' };
    const w = await world('2026-03-10T09:00:00+08:00', ids);
    const deps = depsFor(w.harness, w.time, 'w1');
    const row = await prepare(deps, w, ids, 'test:sent:1');
    const msgId = row.providerMsgId ?? '';
    w.time.advance(4 * HOUR);
    await tick(deps);
    expect(w.harness.sim.callsTo(REMIND)).toHaveLength(1);

    w.time.advance(1 * HOUR);
    expect(w.harness.sim.confirmGroupMsg(msgId, ids.wecomUserId)).toEqual({ [ids.externalUserId]: 1 });
    for (let i = 0; i < 6; i++) {
      w.time.advance(12 * HOUR);
      await tick(deps);
    }
    expect(w.harness.sim.callsTo(REMIND)).toHaveLength(1);
    const after = await rowOf(row.dedupeKey);
    expect(after?.groupSend).toMatchObject({
      state: 'sent',
      deliveredAt: new Date('2026-03-10T14:00:00+08:00'),
    });
    // Received by the customer: it keeps its unit of March's cap.
    expect(await capUnits(w.customer.id, '2026-03')).toBe(1);
  }, 60_000);

  test('when the agent sends it while a nudge waits out quiet hours, then the nudge is skipped, not sent', async () => {
    const ids = { externalUserId: 'wm_night', openid: 'o_night', wecomUserId: 'agent_night' };
    const w = await world('2026-03-10T18:00:00+08:00', ids);
    const deps = depsFor(w.harness, w.time, 'w1');
    const row = await prepare(deps, w, ids, 'test:night:1');
    const msgId = row.providerMsgId ?? '';
    w.time.advance(4 * HOUR); // 22:00, quiet hours: the nudge is written and deferred to 08:00
    await tick(deps);
    expect(await rowOf(remindKey(msgId, 1))).toMatchObject({
      status: 'pending',
      deferredReason: 'quiet_hours',
    });
    w.time.advance(1 * HOUR);
    w.harness.sim.confirmGroupMsg(msgId, ids.wecomUserId);
    w.time.advance(9 * HOUR); // 08:00
    await runNamedJob(deps, 'notifications.dispatch');
    expect(await rowOf(remindKey(msgId, 1))).toMatchObject({
      status: 'skipped',
      skipReason: 'already_handled',
    });
    expect(w.harness.sim.callsTo(REMIND)).toHaveLength(0);
  }, 60_000);

  test('when nudges are configured closer than WeCom allows, then never more than 3 go out within 24 h and the unsent message ends as not sent', async () => {
    const ids = { externalUserId: 'wm_limit', openid: 'o_limit', wecomUserId: 'agent_limit' };
    const w = await world('2026-03-10T00:30:00+08:00', ids);
    const env = {
      QIBAO_GROUPMSG_REMIND_HOURS: '1,2,3,4,5,30',
      QIBAO_GROUPMSG_FOLLOW_UP_DAYS: '3',
      QIBAO_QUIET_HOURS: '00:00-00:00',
    };
    const w1 = depsFor(w.harness, w.time, 'w1', env);
    const w2 = depsFor(w.harness, w.time, 'w2', env);
    const row = await prepare(w1, w, ids, 'test:limit:1');
    expect(await capUnits(w.customer.id, '2026-03')).toBe(1);
    for (let hour = 1; hour <= 74; hour++) {
      w.time.advance(HOUR);
      await tick(w1, w2);
    }
    const calls = w.harness.sim.callsTo(REMIND);
    // Every reminder was accepted (the simulator answers 45009 to a 4th within 24 h) …
    expect(calls.map((c) => c.errcode)).toEqual(calls.map(() => 0));
    for (const c of calls) {
      const t = Date.parse(c.at);
      expect(
        calls.filter((o) => Date.parse(o.at) <= t && Date.parse(o.at) > t - 24 * HOUR).length,
      ).toBeLessThanOrEqual(3);
    }
    // … at 1, 2, 3 h; the 4- and 5-hour ones wait for the window (the 5th goes at 25 h), then 30 h.
    const preparedAt = (row.sentAt ?? row.createdAt).getTime();
    expect(calls.map((c) => (Date.parse(c.at) - preparedAt) / HOUR)).toEqual([1, 2, 3, 25, 30]);
    const after = await rowOf(row.dedupeKey);
    expect(after?.groupSend?.state).toBe('not_sent');
    // Never received: the customer's unit of the monthly cap is given back.
    expect(await capUnits(w.customer.id, '2026-03')).toBe(0);
  }, 120_000);

  test('when the customer deleted the agent before it was sent, then it ends as not_friend and frees the cap unit', async () => {
    const ids = { externalUserId: 'wm_gone', openid: 'o_gone', wecomUserId: 'agent_gone' };
    const w = await world('2026-03-10T09:00:00+08:00', ids);
    const deps = depsFor(w.harness, w.time, 'w1');
    const row = await prepare(deps, w, ids, 'test:gone:1');
    w.harness.sim.state.externalContacts.get(ids.externalUserId)?.followers.delete(ids.wecomUserId);
    w.harness.sim.confirmGroupMsg(row.providerMsgId ?? '');
    w.time.advance(HOUR);
    await tick(deps);
    expect((await rowOf(row.dedupeKey))?.groupSend?.state).toBe('not_friend');
    expect(await capUnits(w.customer.id, '2026-03')).toBe(0);
  }, 60_000);

  test('when the agent sends a message prepared on 31 March only on 1 April, then it counts toward April’s cap', async () => {
    const ids = { externalUserId: 'wm_month', openid: 'o_month', wecomUserId: 'agent_month' };
    const w = await world('2026-03-31T20:00:00+08:00', ids);
    const deps = depsFor(w.harness, w.time, 'w1');
    const row = await prepare(deps, w, ids, 'test:month:1');
    expect(await capUnits(w.customer.id, '2026-03')).toBe(1);
    w.time.advance(13 * HOUR); // 1 April 09:00
    w.harness.sim.confirmGroupMsg(row.providerMsgId ?? '');
    w.time.advance(HOUR / 4);
    await tick(deps);
    expect((await rowOf(row.dedupeKey))?.groupSend?.state).toBe('sent');
    expect(await capUnits(w.customer.id, '2026-03')).toBe(0);
    expect(await capUnits(w.customer.id, '2026-04')).toBe(1);
  }, 60_000);
});
