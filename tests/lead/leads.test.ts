import { Types } from 'mongoose';
import { beforeAll, describe, expect, test } from 'vitest';
import { orgFactory } from '../factories/org.js';
import { randomMobile } from '../factories/customers.js';
import { buildTestApp, type TestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import type { UserRecord } from '#core/user/user.repository';

const db = useTestDatabase();
let t: TestApp;
let admin: UserRecord;
const org = orgFactory(db);
const auth = async (u: UserRecord) => `Bearer ${await t.tokenFor(u)}`;

beforeAll(async () => {
  t = buildTestApp(db());
  admin = await org.user('admin');
});

async function apiKey(): Promise<string> {
  const res = await t
    .http()
    .post('/api/v1/lead-api-keys')
    .set('authorization', await auth(admin))
    .send({ name: '官网表单', source: '官网' });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

describe('POST /api/v1/leads/intake', () => {
  test('when a form posts with a valid key, then a graded lead is created; a revoked key answers 401 and the key is stored only hashed', async () => {
    const key = await apiKey();
    const phone = `+86${randomMobile()}`;
    const res = await t
      .http()
      .post('/api/v1/leads/intake')
      .set('x-api-key', key)
      .send({ name: '王五', phone: phone.slice(3), intent: 'high', type: '保障型' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ outcome: 'created', grade: 'A' });
    const lead = await db().models.Lead.findById(res.body.leadId).lean();
    expect(lead).toMatchObject({ phone, source: '官网', grade: 'A' });
    const stored = await db().models.LeadApiKey.find({}).lean();
    expect(JSON.stringify(stored)).not.toContain(key);

    const list = await t
      .http()
      .get('/api/v1/lead-api-keys')
      .set('authorization', await auth(admin));
    const id = list.body.items.find((k: { prefix: string }) => key.includes(k.prefix)).id;
    await t
      .http()
      .delete(`/api/v1/lead-api-keys/${id}`)
      .set('authorization', await auth(admin))
      .expect(200);
    const after = await t
      .http()
      .post('/api/v1/leads/intake')
      .set('x-api-key', key)
      .send({ phone: randomMobile() });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('LEAD_API_KEY_INVALID');
  });

  test('when the same person comes in twice (phone spelled differently), then the second intake is merged, both sources kept', async () => {
    const key = await apiKey();
    const local = randomMobile();
    const phone = `+86${local}`;
    const first = await t
      .http()
      .post('/api/v1/leads/intake')
      .set('x-api-key', key)
      .send({ name: '赵六', phone: local });
    const second = await t
      .http()
      .post('/api/v1/leads/intake')
      .set('x-api-key', key)
      .send({
        phone: `+86 ${local.slice(0, 3)}-${local.slice(3, 7)}-${local.slice(7)}`,
        wechatId: 'zhao6',
        productInterest: ['重疾'],
      });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ outcome: 'merged', leadId: first.body.leadId });
    expect(await db().models.Lead.countDocuments({ phone })).toBe(1);
    const lead = await db().models.Lead.findById(first.body.leadId).lean();
    expect(lead?.sources).toHaveLength(2);
    expect(lead).toMatchObject({ wechatId: 'zhao6', productInterest: ['重疾'], name: '赵六' });
  });
});

describe('assignment rules', () => {
  test('rules by region, product interest and source fire in order; a team target picks the least-loaded active agent; inactive agents never receive leads; no match → round-robin', async () => {
    const branch = await org.branch();
    const team = await org.team(branch);
    const busy = await org.user('agent', { team }, { name: '忙碌顾问' });
    const idle = await org.user('agent', { team }, { name: '空闲顾问' });
    const gone = await org.user('agent', { team }, { name: '离职顾问', active: false });
    const direct = await org.user('agent', {}, { name: '指定顾问' });
    const a = await auth(admin);
    // Clear earlier rules so this test controls the order.
    await db().models.LeadAssignmentRule.deleteMany({});
    const rules = [
      { name: '广告进公海', order: 1, match: { sources: ['广告'] }, target: { kind: 'pool' } },
      {
        name: '离职的人',
        order: 2,
        match: { regions: ['杭州'] },
        target: { kind: 'agent', userId: gone.id },
      },
      { name: '杭州团队', order: 3, match: { regions: ['杭州'] }, target: { kind: 'team', teamId: team.id } },
      {
        name: '车险专人',
        order: 4,
        match: { productInterests: ['车险'] },
        target: { kind: 'agent', userId: direct.id },
      },
    ];
    for (const rule of rules) {
      await t.http().post('/api/v1/lead-rules').set('authorization', a).send(rule).expect(201);
    }

    // Load the busy agent with two open leads.
    for (let i = 0; i < 2; i++) {
      await t.services.leads.intake({ phone: randomMobile() }, { via: 'manual', assignTo: busy });
    }
    const key = await apiKey();
    const send = (body: Record<string, unknown>) =>
      t
        .http()
        .post('/api/v1/leads/intake')
        .set('x-api-key', key)
        .send({ phone: randomMobile(), ...body });

    const ad = await send({ source: '广告', region: '杭州' });
    const adLead = await db().models.Lead.findById(ad.body.leadId).lean();
    expect(adLead).toMatchObject({ inPool: true, assignment: { ruleName: '广告进公海' } });

    const hz = await send({ region: '浙江杭州' });
    const hzLead = await db().models.Lead.findById(hz.body.leadId).lean();
    expect(hzLead?.assigneeId?.toString()).toBe(idle.id);
    expect(hzLead?.assignment?.reason).toContain('离职的人');
    expect(hzLead?.assignment?.reason).toContain('杭州团队');
    expect(hzLead?.stage).toBe('assigned');

    const car = await send({ productInterest: ['车险'] });
    expect((await db().models.Lead.findById(car.body.leadId).lean())?.assigneeId?.toString()).toBe(direct.id);

    const none = await send({ region: '拉萨' });
    const noneLead = await db().models.Lead.findById(none.body.leadId).lean();
    expect(noneLead?.assignment?.reason).toContain('轮流分配');
    expect(noneLead?.assigneeId?.toString()).not.toBe(gone.id);
    expect(await db().models.Lead.countDocuments({ assigneeId: new Types.ObjectId(gone.id) })).toBe(0);
  });
});

describe('merge and undo', () => {
  test('when two leads of one person are merged, then one remains with both histories; an admin undo restores both', async () => {
    const agent = await org.user('agent');
    const a = await auth(agent);
    const one = await t
      .http()
      .post('/api/v1/leads')
      .set('authorization', a)
      .send({ name: '钱七', phone: randomMobile() });
    const two = await t
      .http()
      .post('/api/v1/leads')
      .set('authorization', a)
      .send({ name: '钱七', wechatId: 'qian7', region: '上海' });
    expect(one.status).toBe(201);
    await t
      .http()
      .post(`/api/v1/leads/${two.body.lead.id}/activities`)
      .set('authorization', a)
      .send({ type: 'call', summary: '电话沟通了重疾需求' })
      .expect(201);

    const merged = await t
      .http()
      .post(`/api/v1/leads/${one.body.lead.id}/merge`)
      .set('authorization', a)
      .send({ otherLeadId: two.body.lead.id });
    expect(merged.status).toBe(200);
    expect(merged.body.lead).toMatchObject({ wechatId: 'qian7', region: '上海' });
    expect(merged.body.lead.history.some((h: { note?: string }) => h.note === '电话沟通了重疾需求')).toBe(
      true,
    );
    expect((await db().models.Lead.findById(two.body.lead.id).lean())?.mergedInto?.toString()).toBe(
      one.body.lead.id,
    );

    const history = await t.http().get(`/api/v1/leads/${one.body.lead.id}/merges`).set('authorization', a);
    expect(history.body.items).toHaveLength(1);
    const refused = await t
      .http()
      .post(`/api/v1/leads/merges/${merged.body.mergeId}/undo`)
      .set('authorization', a);
    expect(refused.status).toBe(403);
    const undo = await t
      .http()
      .post(`/api/v1/leads/merges/${merged.body.mergeId}/undo`)
      .set('authorization', await auth(admin));
    expect(undo.status).toBe(200);
    const survivor = await db().models.Lead.findById(one.body.lead.id).lean();
    const restored = await db().models.Lead.findById(two.body.lead.id).lean();
    expect(survivor?.wechatId).toBeUndefined();
    expect(survivor?.history.some((h) => h.note === '电话沟通了重疾需求')).toBe(false);
    expect(restored?.mergedInto).toBeUndefined();
    expect(restored?.history.some((h) => h.note === '电话沟通了重疾需求')).toBe(true);
  });
});

describe('pipeline', () => {
  test('when a lead is lost without a reason it is refused; 成交 converts it to a customer that keeps the calls', async () => {
    const agent = await org.user('agent');
    const a = await auth(agent);
    const lead = (
      await t
        .http()
        .post('/api/v1/leads')
        .set('authorization', a)
        .send({ name: '孙八', phone: randomMobile() })
    ).body.lead;
    await t
      .http()
      .post(`/api/v1/leads/${lead.id}/activities`)
      .set('authorization', a)
      .send({ type: 'visit', summary: '上门讲解方案' })
      .expect(201);
    const lost = await t
      .http()
      .post(`/api/v1/leads/${lead.id}/stage`)
      .set('authorization', a)
      .send({ stage: 'lost' });
    expect(lost.status).toBe(422);
    expect(lost.body.error.code).toBe('LEAD_LOSS_REASON_REQUIRED');
    await t
      .http()
      .post(`/api/v1/leads/${lead.id}/stage`)
      .set('authorization', a)
      .send({ stage: 'needs_analysis' })
      .expect(200);
    const won = await t
      .http()
      .post(`/api/v1/leads/${lead.id}/stage`)
      .set('authorization', a)
      .send({ stage: 'won' });
    expect(won.status).toBe(200);
    expect(won.body.stage).toBe('won');
    const customerId = won.body.customerId as string;
    const interactions = await db().models.Interaction.find({ customerId }).lean();
    expect(interactions.map((i) => i.summary)).toEqual(['【线索跟进】上门讲解方案']);
  });
});
