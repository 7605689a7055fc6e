import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { beforeAll, describe, expect, test } from 'vitest';
import type { TeamRecord, UserRecord } from '#core/user/user.repository';
import { orgFactory } from '../factories/org.js';
import { buildTestApp, type TestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
const org = orgFactory(db);
let t: TestApp;
let team: TeamRecord;
let a: UserRecord;
let b: UserRecord;
let lead: UserRecord;
let outsider: UserRecord;
const NOW = new Date('2026-04-02T02:00:00Z');
const at = (d: string) => new Date(`${d}T04:00:00Z`);

beforeAll(async () => {
  t = buildTestApp(db(), { clock: () => NOW });
  team = await org.team();
  a = await org.user('agent', { team }, { name: '甲' });
  b = await org.user('agent', { team }, { name: '乙' });
  lead = await org.user('team_lead', { team });
  outsider = await org.user('agent');
  const m = db().models;
  const own = (u: UserRecord) => ({
    ownerId: new Types.ObjectId(u.id),
    teamId: new Types.ObjectId(team.id),
    branchId: new Types.ObjectId(u.branchId),
  });
  const cid = () => new Types.ObjectId();

  // Interactions: 甲 2 visits + 1 call in March, 1 visit in February; 乙 1 call in March.
  const interaction = (u: UserRecord, type: string, d: string) => ({
    customerId: cid(),
    agentId: new Types.ObjectId(u.id),
    type,
    occurredAt: at(d),
    summary: 'x',
    ...own(u),
  });
  await m.Interaction.insertMany([
    interaction(a, 'visit', '2026-03-02'),
    interaction(a, 'visit', '2026-03-31'),
    interaction(a, 'call', '2026-03-15'),
    interaction(a, 'visit', '2026-02-28'),
    interaction(b, 'call', '2026-03-10'),
  ]);
  // Tasks due in March: 2 done, 1 open, 1 cancelled → 2 / 3.
  const task = (status: string) => ({
    title: 't',
    dueDate: '2026-03-20',
    status,
    sourceType: 'manual',
    createdBy: new Types.ObjectId(a.id),
    ...own(a),
  });
  await m.Task.insertMany([task('done'), task('done'), task('open'), task('cancelled')]);
  // Policies: 4 expiring in March (1 outcome renewed, 1 status renewed) → 0.5; 2 effective in March (1000, 3000) → 2000.
  const c1 = cid();
  const c2 = cid();
  const policy = (
    customerId: Types.ObjectId,
    u: UserRecord,
    premium: number,
    effectiveDate: string,
    expiryDate: string,
    extra: Record<string, unknown> = {},
  ) => ({
    number: `K${randomBytes(4).toString('hex')}`,
    insurer: '平安',
    product: 'p',
    line: '医疗',
    customerId,
    applicantName: 'x',
    insuredName: 'x',
    sumInsured: 1,
    premium,
    paymentFrequency: 'annual',
    effectiveDate,
    expiryDate,
    status: 'in_force',
    ...own(u),
    ...extra,
  });
  await m.Policy.insertMany([
    policy(c1, a, 500, '2025-03-05', '2026-03-04', { renewalOutcome: 'renewed' }),
    policy(c1, a, 500, '2025-03-06', '2026-03-05', { status: 'renewed' }),
    policy(c2, b, 200, '2025-03-07', '2026-03-06'),
    policy(c2, b, 200, '2025-03-08', '2026-03-07', { renewalOutcome: 'not_renewed' }),
    policy(c1, a, 1000, '2026-03-10', '2027-03-09'),
    policy(c2, b, 3000, '2026-03-11', '2027-03-10'),
  ]);
  // Customers: active, active, churned.
  const seg = (lifecycle: string) => ({
    tier: 'low',
    book: 'general',
    lifecycle,
    annualPremium: 0,
    computedAt: NOW,
  });
  await m.Customer.insertMany(
    ['active', 'active', 'churned'].map((l, i) => ({
      name: `客${i}`,
      nameInitials: 'k',
      namePinyin: 'ke',
      segmentation: seg(l),
      ...own(a),
    })),
  );
  // Surveys answered in March: 5, 5, 4, 2 → NPS (2 − 1) / 4 = 25, CSAT 3 / 4.
  await m.Survey.insertMany(
    [5, 5, 4, 2].map((score) => ({
      tokenHash: randomBytes(8).toString('hex'),
      claimId: cid(),
      claimNumber: 'c',
      customerId: cid(),
      status: 'answered',
      sendAt: at('2026-03-01'),
      expiresAt: at('2026-04-30'),
      score,
      answeredAt: at('2026-03-20'),
      ...own(a),
    })),
  );
  // Leads created in March: 广告 ×3 (1 won after 10 days, 1 lost 价格太高), 转介绍 ×1 won after 4 days; 1 lead in February.
  const leadDoc = (
    u: UserRecord,
    source: string,
    createdDate: string,
    stage: string,
    reached: string[],
    extra: Record<string, unknown> = {},
  ) => ({
    source,
    intent: 'medium',
    type: '综合型',
    grade: 'B',
    stage,
    reachedStages: reached,
    stageEnteredAt: at(createdDate),
    createdDate,
    createdAt: at(createdDate),
    assigneeId: new Types.ObjectId(u.id),
    teamId: new Types.ObjectId(team.id),
    branchId: new Types.ObjectId(u.branchId),
    ...extra,
  });
  await m.Lead.collection.insertMany([
    leadDoc(
      a,
      '广告',
      '2026-03-01',
      'won',
      ['new', 'assigned', 'contacted', 'needs_analysis', 'proposal', 'won'],
      { wonAt: at('2026-03-11'), wonDate: '2026-03-11' },
    ),
    leadDoc(a, '广告', '2026-03-02', 'lost', ['new', 'assigned', 'contacted', 'lost'], {
      lostDate: '2026-03-09',
      lossReason: '价格太高',
    }),
    leadDoc(b, '广告', '2026-03-03', 'assigned', ['new', 'assigned']),
    leadDoc(b, '转介绍', '2026-03-05', 'won', ['new', 'assigned', 'contacted', 'proposal', 'won'], {
      wonAt: at('2026-03-09'),
      wonDate: '2026-03-09',
    }),
    leadDoc(a, '广告', '2026-02-20', 'assigned', ['new', 'assigned']),
  ]);
});

describe('GET /api/v1/reports/kpis', () => {
  test('when a team lead asks for the team in March, then every number equals the hand-computed value', async () => {
    const res = await t
      .http()
      .get(`/api/v1/reports/kpis?scope=team:${team.id}&from=2026-03-01&to=2026-03-31`)
      .set('authorization', `Bearer ${await t.tokenFor(lead)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      visits: 2,
      calls: 2,
      newLeads: 4,
      taskCompletion: { done: 2, total: 3, rate: 0.6667 },
      renewalRate: { renewed: 2, expiring: 4, rate: 0.5 },
      averagePremium: 2000,
      // c1: 500 + 500 + 1000 = 2000, c2: 200 + 200 + 3000 = 3400 → 2700.
      ltv: 2700,
      churnRate: 0.3333,
      activeCustomers: 2,
      nps: 25,
      csat: 0.75,
      // (10 + 4) / 2 days.
      salesCycleDays: 7,
    });
    expect(res.body.conversionBySource).toEqual([
      { source: '广告', leads: 3, won: 1, rate: 0.3333 },
      { source: '转介绍', leads: 1, won: 1, rate: 1 },
    ]);
    expect(
      Object.fromEntries(res.body.funnel.map((f: { stage: string; count: number }) => [f.stage, f.count])),
    ).toEqual({
      new: 4,
      assigned: 4,
      contacted: 3,
      needs_analysis: 1,
      proposal: 2,
      won: 2,
      lost: 1,
    });
    expect(res.body.lossReasons).toEqual([{ reason: '价格太高', count: 1 }]);
    const byName = Object.fromEntries(res.body.perAgent.map((p: { name: string }) => [p.name, p]));
    expect(byName['甲']).toMatchObject({ visitsAndCalls: 3, wonLeads: 1, newPremium: 1000 });
    expect(byName['乙']).toMatchObject({ visitsAndCalls: 1, wonLeads: 1, newPremium: 3000 });
  });

  test('when an agent asks for the team, then 403; their own CSV export has the same definitions', async () => {
    const token = `Bearer ${await t.tokenFor(outsider)}`;
    const refused = await t
      .http()
      .get(`/api/v1/reports/kpis?scope=team:${team.id}`)
      .set('authorization', token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('REPORT_SCOPE_INVALID');
    const csv = await t
      .http()
      .get('/api/v1/reports/kpis?from=2026-03-01&to=2026-03-31&format=csv')
      .set('authorization', `Bearer ${await t.tokenFor(a)}`)
      .buffer(true)
      .parse((res, cb) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString('utf8')));
        res.on('end', () => cb(null, data));
      });
    expect(csv.status).toBe(200);
    expect(csv.body as string).toContain('拜访次数,2');
    expect(csv.body as string).toContain('平均保费,1000');
  });
});
