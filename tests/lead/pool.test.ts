import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UserRecord } from '#core/user/user.repository';
import { orgFactory } from '../factories/org.js';
import { randomMobile } from '../factories/customers.js';
import { buildTestApp, type TestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { startHarness, type Harness } from '../wecom/harness.js';

const db = useTestDatabase();
const org = orgFactory(db);
let now = new Date('2026-05-04T01:00:00Z');
let t: TestApp;
let owner: UserRecord;
let claimer: UserRecord;

beforeAll(async () => {
  t = buildTestApp(db(), { clock: () => now });
  await db().models.LeadAssignmentRule.deleteMany({});
  owner = await org.user('agent');
  claimer = await org.user('agent');
});

describe('public pool (公海) and SLAs', () => {
  test('when an A lead is not contacted within 3 days, then the SLA job returns it to the pool; agents claim within the daily limit and only one wins', async () => {
    const created = await t.services.leads.intake(
      { name: '周九', phone: randomMobile(), intent: 'high', type: '保障型' },
      { via: 'manual', assignTo: owner },
    );
    expect(created.outcome).toBe('created');
    const id = created.outcome === 'created' ? created.lead.id : '';
    const quiet = await t.services.leads.intake(
      { name: '吴十', phone: randomMobile(), intent: 'high', type: '保障型' },
      { via: 'manual', assignTo: owner },
    );
    const contactedId = quiet.outcome === 'created' ? quiet.lead.id : '';
    await t
      .http()
      .post(`/api/v1/leads/${contactedId}/activities`)
      .set('authorization', `Bearer ${await t.tokenFor(owner)}`)
      .send({ type: 'call', summary: '已电话联系' })
      .expect(201);

    now = new Date('2026-05-07T02:00:00Z');
    const result = await t.services.leadSla.enforce(now);
    expect(result.returnedToPool).toBe(1);
    const pooled = await db().models.Lead.findById(id).lean();
    expect(pooled).toMatchObject({ inPool: true, stage: 'new' });
    expect(pooled?.assigneeId).toBeUndefined();
    expect((await db().models.Lead.findById(contactedId).lean())?.inPool).toBe(false);
    // A second run does nothing more.
    expect((await t.services.leadSla.enforce(now)).returnedToPool).toBe(0);

    const pool = await t
      .http()
      .get('/api/v1/leads/pool')
      .set('authorization', `Bearer ${await t.tokenFor(claimer)}`);
    expect(pool.body.items.map((l: { id: string }) => l.id)).toContain(id);
    expect(pool.body.items[0].phone).toMatch(/\*/);

    const [x, y] = await Promise.all([
      t
        .http()
        .post(`/api/v1/leads/${id}/claim`)
        .set('authorization', `Bearer ${await t.tokenFor(claimer)}`),
      t
        .http()
        .post(`/api/v1/leads/${id}/claim`)
        .set('authorization', `Bearer ${await t.tokenFor(owner)}`),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const claimed = await db().models.Lead.findById(id).lean();
    expect(claimed?.inPool).toBe(false);
    expect(claimed?.stage).toBe('assigned');
  });

  test('when an agent has claimed the daily limit, then the next claim answers 429 with the limit in Chinese', async () => {
    const agent = await org.user('agent');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await t.services.leads.intake({ phone: randomMobile() }, { via: 'manual' });
      if (r.outcome !== 'created') throw new Error('expected a new lead');
      await db().models.Lead.updateOne(
        { _id: r.lead.id },
        { $set: { inPool: true }, $unset: { assigneeId: '' } },
      );
      ids.push(r.lead.id);
    }
    const token = `Bearer ${await t.tokenFor(agent)}`;
    for (const id of ids.slice(0, 5))
      await t.http().post(`/api/v1/leads/${id}/claim`).set('authorization', token).expect(200);
    const sixth = await t.http().post(`/api/v1/leads/${ids[5]}/claim`).set('authorization', token);
    expect(sixth.status).toBe(429);
    expect(sixth.body.error).toMatchObject({
      code: 'LEAD_POOL_CLAIM_LIMIT',
      message: '今日领取公海线索已达上限（5 条），请明天再来',
    });
    expect((await db().models.Lead.findById(ids[5]).lean())?.inPool).toBe(true);
  });

  test('when a lead stays in 需求分析 past 3 days, then the agent gets one warning task and the team lead a digest line', async () => {
    const r = await t.services.leads.intake(
      { name: '郑十一', phone: randomMobile() },
      { via: 'manual', assignTo: owner },
    );
    if (r.outcome !== 'created') throw new Error('expected a new lead');
    await t
      .http()
      .post(`/api/v1/leads/${r.lead.id}/stage`)
      .set('authorization', `Bearer ${await t.tokenFor(owner)}`)
      .send({ stage: 'needs_analysis' })
      .expect(200);
    now = new Date(now.getTime() + 4 * 86_400_000);
    const first = await t.services.leadSla.enforce(now);
    const second = await t.services.leadSla.enforce(now);
    expect(first.warned).toBeGreaterThanOrEqual(1);
    expect(second.warned).toBe(0);
    const tasks = await db().models.Task.find({ sourceId: r.lead.id }).lean();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.title).toContain('需求分析');
    const lines = await t.services.leadSla.digestLines(
      { level: 'team', teamId: owner.teamId as string },
      now,
      5,
    );
    expect(lines.join('\n')).toContain('郑十一（需求分析）');
  });
});

describe('WeCom customer added → lead', () => {
  let h: Harness;
  afterAll(() => h?.close());

  test('when a customer adds an agent through an ad QR code, then a 广告 lead is assigned to that agent; adding again merges', async () => {
    const agent = await org.user('agent', {}, { name: '企微顾问' });
    h = await startHarness(db(), { members: [agent.wecomUserId] });
    await h.sim.addExternalContact({
      userId: agent.wecomUserId,
      externalUserId: 'wmLead0001',
      state: 'ad_spring',
    });
    await h.services.wecom.dispatcher.idle();
    const leads = await db().models.Lead.find({ externalUserId: 'wmLead0001' }).lean();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ source: '广告', sourceDetail: 'ad_spring', stage: 'assigned' });
    expect(leads[0]?.assigneeId?.toString()).toBe(agent.id);
    await h.sim.addExternalContact({
      userId: agent.wecomUserId,
      externalUserId: 'wmLead0001',
      state: 'ad_summer',
    });
    await h.services.wecom.dispatcher.idle();
    expect(await db().models.Lead.countDocuments({ externalUserId: 'wmLead0001' })).toBe(1);
  });
});
