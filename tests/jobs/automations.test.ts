import { describe, expect, test } from 'vitest';
import { loadConfig } from '#config/config';
import { silentLogger } from '#core/logger';
import { createServices } from '#core/services';
import { createJobDeps } from '#jobs/deps';
import { actorFor, customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { TEST_SECRET } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { manualClock, phraseGate, recordingChannels, runNamedJob, type ManualClock } from './support.js';

const db = useTestDatabase();
const org = orgFactory(db);

function harness(clock: ManualClock, worker = 'w1') {
  const services = createServices({
    db: db(),
    secret: TEST_SECRET,
    sessionTtlSeconds: 3600,
    clock: clock.now,
  });
  const rec = recordingChannels();
  const config = loadConfig({ QIBAO_JOBS_WORKER_NAME: worker });
  const deps = createJobDeps({
    config,
    logger: silentLogger(),
    db: db(),
    services,
    clock: clock.now,
    secret: TEST_SECRET,
    channels: rec.channels,
    gate: phraseGate(),
  });
  return { services, rec, deps, f: customerFactory(() => services) };
}

describe('claims.events', () => {
  test('when a claim changes status at 23:10, then customer and agent are told in the same job run (urgent, despite quiet hours)', async () => {
    const clock = manualClock('2026-05-10T23:00:00+08:00');
    const { services, rec, deps, f } = harness(clock);
    const agent = await org.user('agent', {}, { name: '理赔业务员' });
    const c = await f.customer(agent, { name: '吴客户', identities: { openid: 'o_claim_1' } });
    const p = await f.policy(agent, c.id);
    const claim = await f.claim(agent, p.id);
    clock.set('2026-05-10T23:10:00+08:00');
    await services.claims.transition(actorFor(agent), claim.id, { to: 'accepted' });
    const run = await runNamedJob(deps, 'claims.events');
    expect(run).toMatchObject({ events: 2, sent: 4 });
    const agentTexts = rec.delivered
      .filter((d) => d.channel === 'agentApp')
      .map((d) => (d.channel === 'agentApp' ? d.m.text : ''));
    expect(agentTexts).toEqual([
      `【理赔进度】客户吴客户的理赔案件 ${claim.number} 状态更新为「已报案」。`,
      `【理赔进度】客户吴客户的理赔案件 ${claim.number} 状态更新为「已受理」。`,
    ]);
    const subs = rec.delivered.filter((d) => d.channel === 'subscribe');
    expect(subs.map((d) => (d.channel === 'subscribe' ? d.m.data.status?.value : ''))).toEqual([
      '已报案',
      '已受理',
    ]);
    // A second run (or a second worker) finds nothing new.
    expect(await runNamedJob(deps, 'claims.events')).toMatchObject({ events: 0, enqueued: 0 });
    expect(rec.delivered).toHaveLength(4);
  });

  test('when a claim is closed, then the survey invitation waits 7 days and is sent once', async () => {
    const clock = manualClock('2026-05-01T10:00:00+08:00');
    const { services, rec, deps, f } = harness(clock);
    const agent = await org.user('agent');
    const c = await f.customer(agent, { name: '郑客户', identities: { openid: 'o_claim_2' } });
    const claim = await f.claim(agent, (await f.policy(agent, c.id)).id);
    for (const to of ['accepted', 'reviewing', 'rejected', 'closed'] as const) {
      await services.claims.transition(actorFor(agent), claim.id, { to });
    }
    await runNamedJob(deps, 'claims.events');
    const surveyRow = await db()
      .models.Notification.findOne({ dedupeKey: `claim-survey:${claim.id}` })
      .lean();
    expect(surveyRow?.nextAttemptAt?.toISOString()).toBe('2026-05-08T02:00:00.000Z');
    clock.set('2026-05-08T09:59:00+08:00');
    await runNamedJob(deps, 'notifications.dispatch');
    expect(
      rec.delivered.filter((d) => d.channel === 'subscribe' && d.m.templateId === 'claim_survey'),
    ).toHaveLength(0);
    clock.set('2026-05-08T10:00:00+08:00');
    await runNamedJob(deps, 'notifications.dispatch');
    await runNamedJob(deps, 'notifications.dispatch');
    const invites = rec.delivered.filter(
      (d) => d.channel === 'subscribe' && d.m.templateId === 'claim_survey',
    );
    expect(invites).toHaveLength(1);
    expect(invites[0]?.channel === 'subscribe' && invites[0].m.page).toMatch(
      /^pages\/survey\/index\?token=[A-Za-z0-9_-]{43}$/,
    );
  });
});

describe('renewals', () => {
  test('when two workers run the renewal scan and dispatch at the same time, then each reminder is sent once', async () => {
    const clock = manualClock('2026-03-02T08:00:00+08:00');
    const a = harness(clock, 'worker-a');
    const b = harness(clock, 'worker-b');
    const team = await org.team();
    const agent = await org.user('agent', { team });
    const customers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        a.f.customer(agent, { name: `续保${i}`, identities: { openid: `o_r${i}` } }),
      ),
    );
    for (const [i, c] of customers.entries()) {
      await a.f.policy(agent, c.id, { expiryDate: i % 2 ? '2026-05-01' : '2026-04-01' }); // 60 and 30 days
    }
    await Promise.all([runNamedJob(a.deps, 'renewals.scan'), runNamedJob(b.deps, 'renewals.scan')]);
    // Both workers' channels record into one list, as one WeCom would.
    await Promise.all([
      runNamedJob(a.deps, 'notifications.dispatch'),
      runNamedJob(b.deps, 'notifications.dispatch'),
    ]);
    const all = [...a.rec.delivered, ...b.rec.delivered];
    const keys = all.map((d) => d.m.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(all.filter((d) => d.channel === 'agentApp')).toHaveLength(6);
    expect(all.filter((d) => d.channel === 'subscribe')).toHaveLength(6);
  });

  test('when the agent logs no contact for 3 days after the 7-day reminder, then the team lead is told once; a contacted customer is not escalated', async () => {
    const clock = manualClock('2026-03-02T08:00:00+08:00');
    const { services, rec, deps, f } = harness(clock);
    const team = await org.team();
    const agent = await org.user('agent', { team }, { name: '续保员' });
    const lead = await org.user('team_lead', { team }, { name: '续保主管' });
    const quiet = await f.customer(agent, { name: '未联系' });
    const called = await f.customer(agent, { name: '已联系' });
    const p1 = await f.policy(agent, quiet.id, { expiryDate: '2026-03-09', product: '甲产品' });
    await f.policy(agent, called.id, { expiryDate: '2026-03-09', product: '乙产品' });
    await runNamedJob(deps, 'renewals.scan');
    await runNamedJob(deps, 'notifications.dispatch');
    clock.set('2026-03-03T11:00:00+08:00');
    await services.interactions.create(actorFor(agent), {
      customerId: called.id,
      type: 'call',
      summary: '已沟通续保',
    });
    clock.set('2026-03-05T10:00:00+08:00');
    await runNamedJob(deps, 'renewals.escalate');
    await runNamedJob(deps, 'renewals.escalate');
    await runNamedJob(deps, 'notifications.dispatch');
    const toLead = rec.delivered.filter((d) => d.channel === 'agentApp' && d.m.toUser === lead.wecomUserId);
    expect(toLead).toHaveLength(1);
    expect(toLead[0]?.channel === 'agentApp' && toLead[0].m.text).toContain(p1.number);
  });
});

describe('tickets.sla', () => {
  test('when a ticket passes its SLA, then the team lead and the owner are told once', async () => {
    const clock = manualClock('2026-03-02T09:00:00+08:00');
    const { services, rec, deps, f } = harness(clock);
    const team = await org.team();
    const agent = await org.user('agent', { team });
    const lead = await org.user('team_lead', { team });
    const c = await f.customer(agent, { name: '投诉客户' });
    await services.tickets.create(actorFor(agent), {
      customerId: c.id,
      type: 'complaint',
      urgency: 'high',
      title: '服务态度投诉',
    });
    clock.set('2026-03-02T12:59:00+08:00');
    expect(await runNamedJob(deps, 'tickets.sla')).toMatchObject({ breached: 0 });
    clock.set('2026-03-02T13:15:00+08:00');
    await runNamedJob(deps, 'tickets.sla');
    await runNamedJob(deps, 'tickets.sla');
    await runNamedJob(deps, 'notifications.dispatch');
    const to = rec.delivered.map((d) => (d.channel === 'agentApp' ? d.m.toUser : '')).sort();
    expect(to).toEqual([agent.wecomUserId, lead.wecomUserId].sort());
  });
});
