import { beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld, type World } from '../customer/world.js';

const db = useTestDatabase();
let w: World;
let now = new Date('2026-11-22T02:00:00Z'); // 10:00 in Shanghai
beforeAll(async () => {
  w = await buildWorld(db, { clock: () => now });
});

describe('POST /api/v1/interactions', () => {
  test('when a visit is logged with a next follow-up date, then a task is created for the customer’s owner and needs are added to soft info', async () => {
    const c = await w.f.customer(w.users.a1, { name: '陈晨' });
    // The team lead logs it; the follow-up belongs to the owner agent.
    const res = await w.t
      .http()
      .post('/api/v1/interactions')
      .set('authorization', await w.auth(w.users.leadA1))
      .send({
        customerId: c.id,
        type: 'visit',
        summary: '聊到孩子明年出国读书',
        tags: ['教育金'],
        nextFollowUpDate: '2026-11-24',
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'visit',
      typeLabel: '拜访',
      agentId: w.users.leadA1.id,
      nextFollowUpDate: '2026-11-24',
    });
    expect(res.body.followUpTask).toMatchObject({
      title: '跟进客户 陈晨',
      dueDate: '2026-11-24',
      status: 'open',
      ownerId: w.users.a1.id,
      sourceType: 'interaction',
      sourceId: res.body.id,
      customerId: c.id,
    });
    const task = await db().models.Task.findById(res.body.followUpTask.id).lean();
    expect(task?.ownerId.toString()).toBe(w.users.a1.id);
    const customer = await db().models.Customer.findById(c.id).lean();
    expect(customer?.softInfo?.tags).toContain('教育金');
    expect(customer?.lastInteractionAt?.toISOString()).toBe(now.toISOString());
    expect(customer?.segmentation?.book).toBe('screened');
    const audits = await db()
      .models.AuditLog.find({ recordId: { $in: [res.body.id, res.body.followUpTask.id] } })
      .lean();
    expect(audits.map((a) => a.entity).sort()).toEqual(['interaction', 'task']);
  });

  test('when the follow-up date is in the past or the type is unknown, then it answers 400 and writes nothing', async () => {
    const c = await w.f.customer(w.users.a1);
    const auth = await w.auth(w.users.a1);
    const counts = async () => [
      await db().models.Interaction.countDocuments(),
      await db().models.Task.countDocuments(),
    ];
    const before = await counts();
    const past = await w.t
      .http()
      .post('/api/v1/interactions')
      .set('authorization', auth)
      .send({ customerId: c.id, type: 'call', summary: '电话', nextFollowUpDate: '2026-11-21' });
    expect(past.status).toBe(400);
    expect(past.body.error.details).toEqual([
      { path: 'nextFollowUpDate', message: '下次跟进日期不能早于今天' },
    ]);
    const bad = await w.t
      .http()
      .post('/api/v1/interactions')
      .set('authorization', auth)
      .send({ customerId: c.id, type: 'telepathy', summary: '' });
    expect(bad.status).toBe(400);
    expect((bad.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
      'summary',
      'type',
    ]);
    expect(await counts()).toEqual(before);
  });
});

describe('GET /api/v1/customers/:id/timeline', () => {
  test('when a customer has interactions, a policy and claim transitions, then the timeline merges them newest first', async () => {
    const c = await w.f.customer(w.users.a1, { name: '时间线客户' });
    const at = (iso: string) => {
      now = new Date(iso);
    };
    at('2026-11-01T02:00:00Z');
    const p = await w.f.policy(w.users.a1, c.id);
    at('2026-11-05T02:00:00Z');
    await w.t
      .http()
      .post('/api/v1/interactions')
      .set('authorization', await w.auth(w.users.a1))
      .send({ customerId: c.id, type: 'call', summary: '首次电话' });
    at('2026-11-10T02:00:00Z');
    const claim = await w.f.claim(w.users.a1, p.id);
    at('2026-11-12T02:00:00Z');
    await w.t
      .http()
      .post(`/api/v1/claims/${claim.id}/transitions`)
      .set('authorization', await w.auth(w.users.a1))
      .send({ to: 'accepted' });
    at('2026-11-20T02:00:00Z');
    await w.t
      .http()
      .post('/api/v1/interactions')
      .set('authorization', await w.auth(w.users.a1))
      .send({ customerId: c.id, type: 'wechat', summary: '告知理赔进度' });
    at('2026-11-22T02:00:00Z');
    const res = await w.t
      .http()
      .get(`/api/v1/customers/${c.id}/timeline`)
      .set('authorization', await w.auth(w.users.a1));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { kind: string; title: string }) => [i.kind, i.title])).toEqual([
      ['interaction', '微信：告知理赔进度'],
      ['claim', `理赔 ${claim.number} → 已受理`],
      ['claim', `理赔报案 ${claim.number}`],
      ['interaction', '电话：首次电话'],
      ['policy', `新保单 平安人寿 平安福（${p.number}）`],
    ]);
    const page = await w.t
      .http()
      .get(`/api/v1/customers/${c.id}/timeline?limit=2`)
      .set('authorization', await w.auth(w.users.a1));
    expect(page.body.items).toHaveLength(2);
    const rest = await w.t
      .http()
      .get(`/api/v1/customers/${c.id}/timeline`)
      .query({ limit: 10, before: page.body.nextBefore })
      .set('authorization', await w.auth(w.users.a1));
    expect(rest.body.items).toHaveLength(3);
    expect(rest.body.items[0].title).toBe(`理赔报案 ${claim.number}`);
  });
});

describe('GET/PATCH /api/v1/tasks', () => {
  test('when tasks are due yesterday, today and tomorrow (Shanghai), then due=today/overdue/upcoming split them, also just after midnight', async () => {
    const owner = w.users.a2;
    const c = await w.f.customer(owner, { name: '待办客户' });
    const mk = async (title: string, dueDate: string) =>
      (
        await w.t
          .http()
          .post('/api/v1/tasks')
          .set('authorization', await w.auth(owner))
          .send({ title, dueDate, customerId: c.id })
      ).body.id as string;
    now = new Date('2026-11-22T02:00:00Z');
    const y = await mk('昨天的', '2026-11-21');
    const t = await mk('今天的', '2026-11-22');
    const tm = await mk('明天的', '2026-11-23');
    const list = async (due: string) =>
      (
        await w.t
          .http()
          .get(`/api/v1/tasks?due=${due}`)
          .set('authorization', await w.auth(owner))
      ).body.items.map((x: { id: string }) => x.id);
    expect(await list('today')).toEqual([t]);
    expect(await list('overdue')).toEqual([y]);
    expect(await list('upcoming')).toEqual([tm]);
    // 00:05 on 23 Nov in Shanghai is still 22 Nov in UTC: "today" is already the 23rd.
    now = new Date('2026-11-22T16:05:00Z');
    expect(await list('today')).toEqual([tm]);
    expect(await list('overdue')).toEqual([y, t]);
    const done = await w.t
      .http()
      .patch(`/api/v1/tasks/${y}`)
      .set('authorization', await w.auth(owner))
      .send({ status: 'done' });
    expect(done.body).toMatchObject({ status: 'done', completedBy: owner.id, overdue: false });
    expect(await list('overdue')).toEqual([t]);
    now = new Date('2026-11-22T02:00:00Z');
  });

  test('when an agent creates a task for a colleague, then it answers 422; the team lead may', async () => {
    const body = { title: '帮忙', dueDate: '2026-12-01', ownerId: w.users.a1b.id };
    const agent = await w.t
      .http()
      .post('/api/v1/tasks')
      .set('authorization', await w.auth(w.users.a1))
      .send(body);
    expect(agent.status).toBe(422);
    const lead = await w.t
      .http()
      .post('/api/v1/tasks')
      .set('authorization', await w.auth(w.users.leadA1))
      .send(body);
    expect(lead.status).toBe(201);
    expect(lead.body.ownerId).toBe(w.users.a1b.id);
  });
});
