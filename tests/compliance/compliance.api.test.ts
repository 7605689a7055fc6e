import { describe, expect, test, vi } from 'vitest';
import { orgFactory, signedInAdmin } from '../factories/org.js';
import { buildTestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
const org = orgFactory(db);

const asAdmin = () => signedInAdmin(db);

describe('GET /api/v1/compliance/rules', () => {
  test('when the lexicon was never edited, then the shipped default set is served as version 1', async () => {
    const { t, auth } = await asAdmin();
    const res = await t.http().get('/api/v1/compliance/rules').set('authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body.version).toBeGreaterThanOrEqual(1);
    const patterns = (res.body.items as { pattern: string }[]).map((r) => r.pattern);
    expect(patterns).toEqual(expect.arrayContaining(['保本保息', '稳赚不赔', '带病投保*不影响理赔', '返佣']));
  });

  test('when an agent asks, then it answers 403', async () => {
    const t = buildTestApp(db());
    const agent = await org.user('agent');
    const res = await t
      .http()
      .get('/api/v1/compliance/rules')
      .set('authorization', `Bearer ${await t.tokenFor(agent)}`);
    expect(res.status).toBe(403);
  });
});

describe('POST /api/v1/compliance/rules', () => {
  test('when an admin adds a rule, then the version increments and a later hit records that version', async () => {
    const { t, auth } = await asAdmin();
    const before = (await t.http().get('/api/v1/compliance/rules').set('authorization', auth)).body.version;
    const res = await t
      .http()
      .post('/api/v1/compliance/rules')
      .set('authorization', auth)
      .send({ category: '收益承诺', pattern: '翻倍*回本', severity: 'block', alternative: '收益以合同为准' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ pattern: '翻倍*回本', source: 'custom', version: before + 1 });

    const check = await t.services.compliance.checkOutgoing('三年翻倍，五年回本', {
      channel: 'agent_app',
      sourceRef: `n-${res.body.id}`,
    });
    expect(check.verdict).toBe('block');
    if (check.verdict !== 'block') return;
    expect(check.hits[0]).toMatchObject({ pattern: '翻倍*回本', lexiconVersion: before + 1 });

    const changes = await t.http().get('/api/v1/compliance/lexicon/changes').set('authorization', auth);
    expect(changes.body.items[0]).toMatchObject({
      version: before + 1,
      action: 'create',
      ruleId: res.body.id,
    });
  });

  test('when the pattern is another spelling of an existing one, then it answers 409', async () => {
    const { t, auth } = await asAdmin();
    const res = await t
      .http()
      .post('/api/v1/compliance/rules')
      .set('authorization', auth)
      .send({ category: '收益承诺', pattern: '保 本 保 息', severity: 'warn' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('COMPLIANCE_RULE_PATTERN_TAKEN');
  });

  test('when the pattern would match almost anything, then it answers 422', async () => {
    const { t, auth } = await asAdmin();
    const res = await t
      .http()
      .post('/api/v1/compliance/rules')
      .set('authorization', auth)
      .send({ category: '测试', pattern: '保*', severity: 'warn' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('COMPLIANCE_RULE_PATTERN_INVALID');
  });
});

describe('PATCH and DELETE /api/v1/compliance/rules/:id', () => {
  test('when a rule is downgraded and then deleted, then each change bumps the version and the matcher follows', async () => {
    const { t, auth } = await asAdmin();
    const created = await t
      .http()
      .post('/api/v1/compliance/rules')
      .set('authorization', auth)
      .send({ category: '夸大保障', pattern: '绝对安全', severity: 'block' });
    const id = created.body.id as string;
    const patched = await t
      .http()
      .patch(`/api/v1/compliance/rules/${id}`)
      .set('authorization', auth)
      .send({ severity: 'warn' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ severity: 'warn', version: created.body.version + 1 });
    const dry = await t
      .http()
      .post('/api/v1/compliance/check')
      .set('authorization', auth)
      .send({ text: '绝对安全' });
    expect(dry.body.verdict).toBe('warn');

    const deleted = await t.http().delete(`/api/v1/compliance/rules/${id}`).set('authorization', auth);
    expect(deleted.body.version).toBe(created.body.version + 2);
    const after = await t
      .http()
      .post('/api/v1/compliance/check')
      .set('authorization', auth)
      .send({ text: '绝对安全' });
    expect(after.body.verdict).toBe('allow');
    expect((await t.http().get(`/api/v1/compliance/rules/${id}`).set('authorization', auth)).status).toBe(
      404,
    );
  });
});

describe('POST /api/v1/compliance/check', () => {
  test('when the text is a disclosure, then it is allowed and the negated rule is shown', async () => {
    const { t, auth } = await asAdmin();
    const res = await t
      .http()
      .post('/api/v1/compliance/check')
      .set('authorization', auth)
      .send({ text: '本产品不保证收益' });
    expect(res.body).toMatchObject({ verdict: 'allow', hits: [] });
    expect(res.body.negated[0]).toMatchObject({ pattern: '保证*收益' });
  });
});

describe('checkOutgoing (called by the notification outbox before sending)', () => {
  test('when a reminder contains a blocked phrase, then it is not sent, a hit is stored and the compliance owner is alerted', async () => {
    const { t, admin } = await asAdmin();
    const agent = await org.user('agent');
    const send = vi.fn(async () => 'sent');
    const text = '王先生，续保这款产品保 本 保 息，稳赚不赔，欢迎咨询';
    const outcome = await t.services.compliance.sendIfCompliant(
      text,
      { channel: 'customer_wecom', sourceRef: 'notif-renewal-1', agentId: agent.id },
      send,
    );
    expect(outcome.sent).toBe(false);
    expect(send).not.toHaveBeenCalled();
    expect(outcome.check.verdict).toBe('block');
    if (outcome.check.verdict !== 'block') return;
    expect(outcome.check.reason).toContain('保 本 保 息');
    expect(outcome.check.alternatives.length).toBeGreaterThan(0);

    const hits = await db().models.ComplianceHit.find({ sourceRef: 'notif-renewal-1' }).lean();
    expect(hits.map((h) => h.pattern).sort()).toEqual(['保本保息', '稳赚不赔']);
    expect(hits[0]).toMatchObject({
      source: 'outgoing',
      action: 'blocked',
      status: 'open',
      channel: 'customer_wecom',
    });
    expect(hits[0]?.teamId?.toString()).toBe(agent.teamId);

    const alerts = await t.services.compliance.listAlerts(
      { kind: 'staff', userId: admin.id, role: 'admin', scope: { level: 'all' } },
      'pending',
      50,
    );
    const alert = alerts.find((a) => a.hitIds.includes(hits[0]!._id.toString()));
    expect(alert).toMatchObject({ kind: 'hit', severity: 'block', status: 'pending' });
    expect(alert?.title).toContain('已拦截');
  });

  test('when the outbox retries the same message, then no second hit or alert is recorded', async () => {
    const { t } = await asAdmin();
    const ctx = { channel: 'agent_app', sourceRef: 'notif-retry-1' };
    await t.services.compliance.checkOutgoing('保证收益', ctx);
    const again = await t.services.compliance.checkOutgoing('保证收益', ctx);
    expect(again.verdict).toBe('block');
    expect(await db().models.ComplianceHit.countDocuments({ sourceRef: 'notif-retry-1' })).toBe(1);
    expect(await db().models.ComplianceAlert.countDocuments({ dedupeKey: /notif-retry-1/ })).toBe(1);
  });

  test('when a message only has a warn phrase, then it is sent and the hit is recorded as warned', async () => {
    const { t } = await asAdmin();
    const send = vi.fn(async () => 'ok');
    const outcome = await t.services.compliance.sendIfCompliant(
      '这款产品马上停售了',
      { channel: 'agent_app', sourceRef: 'notif-warn-1' },
      send,
    );
    expect(outcome.sent).toBe(true);
    expect(send).toHaveBeenCalledOnce();
    const hit = await db().models.ComplianceHit.findOne({ sourceRef: 'notif-warn-1' }).lean();
    expect(hit).toMatchObject({ action: 'warned', severity: 'warn' });
  });

  test('when a message is compliant, then it is allowed and nothing is stored', async () => {
    const { t } = await asAdmin();
    const res = await t.services.compliance.checkOutgoing('您的保单将于12月5日到期，请及时续保', {
      channel: 'agent_app',
      sourceRef: 'notif-clean-1',
    });
    expect(res.verdict).toBe('allow');
    expect(await db().models.ComplianceHit.countDocuments({ sourceRef: 'notif-clean-1' })).toBe(0);
  });
});

describe('scanInteraction (called by the interaction service after an agent logs text)', () => {
  test('when a logged visit promises returns, then a flagged hit is stored with agent, team and customer', async () => {
    const { t } = await asAdmin();
    const agent = await org.user('agent');
    const customerId = '65a000000000000000000001';
    const out = await t.services.compliance.scanInteraction({
      sourceRef: 'interaction-1',
      text: '拜访张三，跟他说这个年金稳赚不赔，他很感兴趣',
      occurredAt: new Date('2026-11-20T02:00:00Z'),
      agentId: agent.id,
      customerId,
    });
    expect(out.verdict).toBe('block');
    expect(out.hits[0]).toMatchObject({
      source: 'interaction',
      action: 'flagged',
      agentId: agent.id,
      teamId: agent.teamId,
      customerId,
      matchedText: '稳赚不赔',
    });
    expect(out.hits[0]?.context).toContain('年金稳赚不赔');
  });
});

describe('POST /api/v1/compliance/hits/:id/review', () => {
  test('when an open hit is acknowledged, then it is closed once and a second review answers 409', async () => {
    const { t, auth, admin } = await asAdmin();
    const out = await t.services.compliance.scanInteraction({
      sourceRef: 'interaction-review',
      text: '可以给您返佣',
      occurredAt: new Date(),
    });
    const id = out.hits[0]!.id;
    const res = await t
      .http()
      .post(`/api/v1/compliance/hits/${id}/review`)
      .set('authorization', auth)
      .send({ status: 'acknowledged', note: '已约谈业务员' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'acknowledged',
      reviewedBy: admin.id,
      reviewNote: '已约谈业务员',
    });
    const again = await t
      .http()
      .post(`/api/v1/compliance/hits/${id}/review`)
      .set('authorization', auth)
      .send({ status: 'false_positive' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('COMPLIANCE_HIT_NOT_OPEN');
  });
});

describe('GET /api/v1/compliance/report', () => {
  test('when hits exist in and outside the period, then it counts only the period by category, team, source and status', async () => {
    const { t, auth } = await asAdmin();
    const team = await org.team(undefined, { name: '报表团队' });
    const agent = await org.user('agent', { team });
    const scan = (ref: string, text: string, at: string) =>
      t.services.compliance.scanInteraction({
        sourceRef: ref,
        text,
        occurredAt: new Date(at),
        agentId: agent.id,
      });
    // 2025-03-01 00:30 in Shanghai is still 2025-02-28 in UTC: it belongs to March 1st.
    await scan('rep-1', '保本保息', '2025-02-28T16:30:00Z');
    await scan('rep-2', '给您返佣', '2025-03-02T04:00:00Z');
    await scan('rep-3', '马上停售', '2025-03-02T05:00:00Z');
    await scan('rep-out', '稳赚不赔', '2025-02-28T15:30:00Z');

    const res = await t
      .http()
      .get('/api/v1/compliance/report')
      .query({ from: '2025-03-01', to: '2025-03-02', teamId: team.id })
      .set('authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.open).toBe(3);
    expect(res.body.byTeam).toEqual([{ teamId: team.id, teamName: '报表团队', count: 3 }]);
    expect(res.body.byCategory).toEqual(
      expect.arrayContaining([
        { category: '收益承诺', count: 1, block: 1, warn: 0 },
        { category: '违规返佣', count: 1, block: 1, warn: 0 },
        { category: '停售炒作', count: 1, block: 0, warn: 1 },
      ]),
    );
    expect(res.body.bySource).toEqual([{ source: 'interaction', count: 3 }]);
  });

  test('when the period is reversed, then it answers 400', async () => {
    const { t, auth } = await asAdmin();
    const res = await t
      .http()
      .get('/api/v1/compliance/report')
      .query({ from: '2025-03-05', to: '2025-03-01' })
      .set('authorization', auth);
    expect(res.status).toBe(400);
  });
});

describe('GET /api/v1/compliance/archive', () => {
  test('when no pull ever ran, then it shows checkpoint 0, no success yet and no failures', async () => {
    const { t, auth } = await asAdmin();
    const res = await t.http().get('/api/v1/compliance/archive').set('authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ available: true, seq: 0, openFailures: 0 });
    expect(res.body.lastSuccessAt).toBeUndefined();
  });
});

describe('GET /api/v1/compliance/intercept-rules/plan', () => {
  test('when nothing was pushed yet, then every category with block phrases is to be added and * patterns are skipped', async () => {
    const { t, auth } = await asAdmin();
    const res = await t.http().get('/api/v1/compliance/intercept-rules/plan').set('authorization', auth);
    expect(res.status).toBe(200);
    const added = res.body.add as { ruleName: string; words: string[] }[];
    expect(added.map((a) => a.ruleName)).toContain('企保-收益承诺');
    expect(added.find((a) => a.ruleName === '企保-收益承诺')?.words).toContain('保本保息');
    expect(res.body.update).toEqual([]);
    expect(res.body.delete).toEqual([]);
    expect(res.body.skipped).toContainEqual({ word: '保证*收益', reason: 'not_literal' });
  });

  test('when the budget is not a number from 1 to 100, then it answers 400', async () => {
    const { t, auth } = await asAdmin();
    const res = await t
      .http()
      .get('/api/v1/compliance/intercept-rules/plan')
      .query({ budget: 101 })
      .set('authorization', auth);
    expect(res.status).toBe(400);
  });
});
