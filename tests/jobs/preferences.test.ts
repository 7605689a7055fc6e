import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '#config/config';
import { createNotificationRepository } from '#core/notification/notification.repository';
import type { UserRecord } from '#core/user/user.repository';
import type { JobDeps } from '#jobs/deps';
import { actorFor, customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { useTestDatabase } from '../setup/test-db.js';
import { fakeTime, startHarness, type Harness } from '../wecom/harness.js';
import { harnessJobDeps, runNamedJob } from './support.js';

// The outbox honours the choices a customer saves in the mini-program (PUT /api/v1/my/subscriptions,
// over HTTP): a category switched off → its customer messages are skipped `opted_out` with the reason;
// switched back on → the next ones are sent. Sends go to the simulator over real HTTP.

const db = useTestDatabase();
const org = orgFactory(db);
const time = fakeTime(Date.parse('2026-03-02T07:00:00+08:00'));
const setTime = (iso: string) => time.advance(Date.parse(iso) - time.clock().getTime());
const PREPARE = '/cgi-bin/externalcontact/add_msg_template';

let h: Harness;
let deps: JobDeps;
let agent: UserRecord;

beforeAll(async () => {
  agent = await org.user('agent', {}, { name: '周业务员', wecomUserId: 'agent_pref' });
  h = await startHarness(db(), { time, members: ['agent_pref'], startDispatcher: false });
  deps = harnessJobDeps(db(), h, time.clock, loadConfig({ QIBAO_JOBS_WORKER_NAME: 'pref-worker' }));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** A customer bound to the mini-program and to the agent in WeCom, with a session for the mini-program. */
async function customer(n: string) {
  const f = customerFactory(() => h.services);
  const c = await f.customer(agent, {
    name: `吴${n}`,
    identities: { openid: `o_pref_${n}`, externalUserId: `wm_pref_${n}` },
  });
  h.sim.state.externalContacts.set(`wm_pref_${n}`, {
    name: `吴${n}`,
    followers: new Map([['agent_pref', { createtime: 1 }]]),
  });
  return { ...c, openid: `o_pref_${n}`, f };
}

async function choose(
  customerId: string,
  choice: { claimProgress: boolean; renewalReminder: boolean; careGreetings?: boolean },
) {
  // A fresh mini-program session each time (sessions expire while the test moves the clock by weeks).
  const { token } = await h.services.customerAuth.devLogin(customerId);
  const res = await h
    .http()
    .put('/api/v1/my/subscriptions')
    .set('authorization', `Bearer ${token}`)
    .send({ ...choice, channel: 'wechat_subscribe' });
  expect(res.body).toMatchObject({ ...choice, channel: 'wechat_subscribe' });
}

const rows = (customerId: string) =>
  db()
    .models.Notification.find({ 'to.customerId': customerId })
    .sort({ createdAt: 1 })
    .lean()
    .then((list) =>
      list.map((n) => ({ key: n.dedupeKey, status: n.status, reason: n.skipReason, why: n.lastError })),
    );

describe('customer notification preferences in the outbox', () => {
  test('when a customer switched renewal reminders off, then their reminders are skipped with the reason; switched back on, the next ones are sent', async () => {
    const c = await customer('renew');
    h.sim.subscribe(c.openid, 'TPL_RENEWAL', 5);
    const p = await c.f.policy(agent, c.id, { expiryDate: '2026-04-01' }); // 30 days after 2 March
    await choose(c.id, { claimProgress: true, renewalReminder: false });

    time.advance(3600_000); // 08:00, after quiet hours
    await runNamedJob(deps, 'renewals.scan');
    await runNamedJob(deps, 'notifications.dispatch');
    const off = await rows(c.id);
    expect(off).toEqual([
      expect.objectContaining({
        key: `renewal:${p.id}:2026-04-01:30d:customer`,
        status: 'skipped',
        reason: 'opted_out',
        why: 'the customer switched off renewal reminders in the mini-program',
      }),
      expect.objectContaining({
        key: `renewal:${p.id}:2026-04-01:30d:customer_wecom`,
        status: 'skipped',
        reason: 'opted_out',
      }),
    ]);
    // Nothing reached WeChat or WeCom for the customer; the agent's own reminder still went out.
    expect(h.sim.state.subscribeSent.filter((s) => s.openid === c.openid)).toEqual([]);
    expect(h.sim.callsTo(PREPARE)).toHaveLength(0);
    expect(h.sim.delivered('agent_pref').map((m) => m.preview)).toEqual([
      expect.stringContaining(`客户吴renew的《平安福》`),
    ]);
    // The customer monthly cap was not touched by a message never prepared.
    expect(await createNotificationRepository(db().models).slotCount(`cap:${c.id}:2026-03`)).toBe(0);

    await choose(c.id, { claimProgress: true, renewalReminder: true });
    setTime('2026-03-25T08:00:00+08:00'); // 7 days before expiry
    await runNamedJob(deps, 'renewals.scan');
    await runNamedJob(deps, 'notifications.dispatch');
    const on = await rows(c.id);
    expect(on.at(-1)).toEqual(
      expect.objectContaining({ key: `renewal:${p.id}:2026-04-01:7d:customer`, status: 'sent' }),
    );
    expect(h.sim.state.subscribeSent.filter((s) => s.openid === c.openid)).toHaveLength(1);
  }, 60_000);

  test('when a customer switched claim progress off, then even urgent claim-status messages to them are skipped, while the agent is still told', async () => {
    setTime('2026-03-26T23:10:00+08:00'); // quiet hours: urgency would otherwise send now
    const c = await customer('claim');
    h.sim.subscribe(c.openid, 'TPL_CLAIM', 5);
    await choose(c.id, { claimProgress: false, renewalReminder: true });
    const policy = await c.f.policy(agent, c.id);
    const claim = await c.f.claim(agent, policy.id);
    await h.services.claims.transition(actorFor(agent), claim.id, { to: 'accepted' });
    await runNamedJob(deps, 'claims.events');
    await runNamedJob(deps, 'notifications.dispatch');
    const list = await rows(c.id);
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const r of list) {
      expect(r).toMatchObject({
        status: 'skipped',
        reason: 'opted_out',
        why: 'the customer switched off claim progress in the mini-program',
      });
    }
    expect(h.sim.state.subscribeSent.filter((s) => s.openid === c.openid)).toEqual([]);
    const agentRows = await db()
      .models.Notification.find({ kind: 'claim_status', channel: 'agent_app', 'related.id': claim.id })
      .lean();
    expect(agentRows.map((n) => n.status)).toEqual(['sent', 'sent']);
  }, 60_000);

  test('when a customer switched care greetings off, then a greeting prepared for them is skipped; back on, it is prepared for the agent', async () => {
    setTime('2026-03-27T10:00:00+08:00');
    const c = await customer('care');
    await choose(c.id, { claimProgress: true, renewalReminder: true, careGreetings: false });
    const greeting = (key: string) =>
      deps.outbox.enqueue({
        dedupeKey: key,
        kind: 'care_greeting',
        channel: 'customer_wecom',
        to: { customerId: c.id, externalUserId: `wm_pref_care`, senderWecomUserId: 'agent_pref' },
        owner: { userId: agent.id },
        message: { format: 'text', text: '吴女士，祝您生日快乐！' },
      });
    const before = h.sim.callsTo(PREPARE).length;
    await greeting('test:care:1');
    await runNamedJob(deps, 'notifications.dispatch');
    expect(await rows(c.id)).toEqual([
      expect.objectContaining({
        status: 'skipped',
        reason: 'opted_out',
        why: 'the customer switched off care and festival greetings in the mini-program',
      }),
    ]);
    expect(h.sim.callsTo(PREPARE)).toHaveLength(before);

    await choose(c.id, { claimProgress: true, renewalReminder: true, careGreetings: true });
    await greeting('test:care:2');
    await runNamedJob(deps, 'notifications.dispatch');
    expect((await rows(c.id)).at(-1)).toMatchObject({ key: 'test:care:2', status: 'sent' });
    expect(h.sim.callsTo(PREPARE)).toHaveLength(before + 1);
  }, 60_000);
});
