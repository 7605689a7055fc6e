import { beforeAll, describe, expect, test } from 'vitest';
import { createHandoverService } from '#core/customer/handover.service';
import { actorFor } from '../factories/customers.js';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld, type World } from './world.js';

const db = useTestDatabase();
let w: World;
beforeAll(async () => {
  w = await buildWorld(db);
});

/** An agent with a book: customers with a policy, claim, interaction + follow-up task, ticket; plus a loose task. */
async function bookOf(n: number) {
  const org = w.org;
  const leaver = await org.user('agent', { team: w.teams.teamA1 }, { name: '离职顾问' });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await w.f.customer(leaver, { name: `交接客户${i}` });
    ids.push(c.id);
    const p = await w.f.policy(leaver, c.id);
    await w.f.claim(leaver, p.id);
    await w.t.services.interactions.create(actorFor(leaver), {
      customerId: c.id,
      type: 'call',
      summary: '回访',
      nextFollowUpDate: '2099-01-01',
    });
    await w.t.services.tickets.create(actorFor(leaver), {
      customerId: c.id,
      type: 'consult',
      urgency: 'normal',
      title: '咨询',
    });
  }
  await w.t.services.tasks.create(actorFor(leaver), { title: '整理名片', dueDate: '2099-01-01' });
  return { leaver, ids };
}

describe('POST /api/v1/handover', () => {
  test('when a team lead hands a leaving agent’s whole book to a colleague, then customers, open tasks and history move, and it is audited', async () => {
    const { leaver, ids } = await bookOf(3);
    const res = await w.t
      .http()
      .post('/api/v1/handover')
      .set('authorization', await w.auth(w.users.leadA1))
      .send({ fromAgentId: leaver.id, toAgentId: w.users.a1b.id, note: '离职交接' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.moved).toMatchObject({
      customers: 3,
      policies: 3,
      claims: 3,
      interactions: 3,
      tickets: 3,
      tasks: 4,
    });
    const m = db().models;
    const leftBehind = {
      customers: await m.Customer.countDocuments({ ownerId: leaver.id }),
      policies: await m.Policy.countDocuments({ ownerId: leaver.id }),
      claims: await m.Claim.countDocuments({ ownerId: leaver.id }),
      interactions: await m.Interaction.countDocuments({ ownerId: leaver.id }),
      tasks: await m.Task.countDocuments({ ownerId: leaver.id }),
      tickets: await m.Ticket.countDocuments({ ownerId: leaver.id }),
      events: await m.DomainEvent.countDocuments({ ownerId: leaver.id }),
    };
    expect(leftBehind).toEqual({
      customers: 0,
      policies: 0,
      claims: 0,
      interactions: 0,
      tasks: 0,
      tickets: 0,
      events: 0,
    });
    // History stays true: the interaction still names who had the conversation.
    const interaction = await m.Interaction.findOne({ customerId: ids[0] }).lean();
    expect(interaction?.agentId.toString()).toBe(leaver.id);
    expect(interaction?.ownerId.toString()).toBe(w.users.a1b.id);
    // The new owner sees the customers and their open tasks; the leaver's token sees nothing.
    const mine = await w.t
      .http()
      .get('/api/v1/customers?q=jjkh')
      .set('authorization', await w.auth(w.users.a1b));
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(ids));
    const tasks = await w.t
      .http()
      .get('/api/v1/tasks?status=open')
      .set('authorization', await w.auth(w.users.a1b));
    expect(tasks.body.items.map((t: { title: string }) => t.title)).toContain('整理名片');
    const leaverView = await w.t
      .http()
      .get(`/api/v1/customers/${ids[0]}`)
      .set('authorization', await w.auth(leaver));
    expect(leaverView.status).toBe(404);
    const audit = await m.AuditLog.find({ action: 'handover' }).lean();
    expect(
      audit
        .filter((a) => a.entity === 'customer')
        .map((a) => a.recordId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(audit.find((a) => a.entity === 'customer')?.changes).toEqual([
      { field: 'ownerId', before: leaver.id, after: w.users.a1b.id },
    ]);
    expect(audit.find((a) => a.entity === 'handover')?.note).toContain('customers=3');
  });

  test('when the batch size is 2 and 5 customers move, then it runs 3 bounded batches and moves all of them', async () => {
    const { leaver, ids } = await bookOf(5);
    const handover = createHandoverService({
      ...w.t.services.customerRepositories,
      users: w.t.services.repositories.users,
      audit: w.t.services.audit,
      batchSize: 2,
    });
    const result = await handover.handover(actorFor(w.users.managerA), {
      fromAgentId: leaver.id,
      toAgentId: w.users.a2.id,
    });
    expect(result.batches).toBe(3);
    expect(result.moved.customers).toBe(5);
    const moved = await db()
      .models.Customer.find({ _id: { $in: ids } })
      .lean();
    expect(
      moved.every(
        (c) => c.ownerId.toString() === w.users.a2.id && c.teamId?.toString() === w.teams.teamA2.id,
      ),
    ).toBe(true);
  });

  test('when only some customers are named, then only those move and ids not owned by the leaver are reported as skipped', async () => {
    const { leaver, ids } = await bookOf(2);
    const foreign = await w.f.customer(w.users.a1b, { name: '别人的客户' });
    const res = await w.t
      .http()
      .post('/api/v1/handover')
      .set('authorization', await w.auth(w.users.admin))
      .send({ fromAgentId: leaver.id, toAgentId: w.users.a1.id, customerIds: [ids[0], foreign.id] });
    expect(res.status).toBe(200);
    expect(res.body.moved.customers).toBe(1);
    expect(res.body.skippedCustomerIds).toEqual([foreign.id]);
    expect((await db().models.Customer.findById(ids[1]).lean())?.ownerId.toString()).toBe(leaver.id);
    expect((await db().models.Customer.findById(foreign.id).lean())?.ownerId.toString()).toBe(w.users.a1b.id);
    // The loose task stays with the leaver in a partial handover.
    expect(await db().models.Task.countDocuments({ ownerId: leaver.id, title: '整理名片' })).toBe(1);
  });

  test('when the receiver is the same person, inactive or a branch manager, then it answers 422', async () => {
    const auth = await w.auth(w.users.admin);
    const same = await w.t
      .http()
      .post('/api/v1/handover')
      .set('authorization', auth)
      .send({ fromAgentId: w.users.a1.id, toAgentId: w.users.a1.id });
    expect(same.status).toBe(422);
    const inactive = await w.org.user('agent', { team: w.teams.teamA1 }, { active: false });
    const res = await w.t
      .http()
      .post('/api/v1/handover')
      .set('authorization', auth)
      .send({ fromAgentId: w.users.a1.id, toAgentId: inactive.id });
    expect(res.status).toBe(422);
    const mgr = await w.t
      .http()
      .post('/api/v1/handover')
      .set('authorization', auth)
      .send({ fromAgentId: w.users.a1.id, toAgentId: w.users.managerA.id });
    expect(mgr.status).toBe(422);
    const bad = await w.t
      .http()
      .post('/api/v1/handover')
      .set('authorization', auth)
      .send({ fromAgentId: 'x', toAgentId: w.users.a1.id, extra: 1 });
    expect(bad.status).toBe(400);
  });
});

describe('GET /api/v1/audit', () => {
  test('when an admin asks for a record, then every write on it is listed newest first with the diff', async () => {
    const c = await w.f.customer(w.users.a1, { name: '审计客户', region: '上海' });
    await w.t
      .http()
      .patch(`/api/v1/customers/${c.id}`)
      .set('authorization', await w.auth(w.users.a1))
      .send({ region: '苏州' });
    await w.t
      .http()
      .get(`/api/v1/customers/${c.id}?reveal=idNumber`)
      .set('authorization', await w.auth(w.users.admin));
    const res = await w.t
      .http()
      .get(`/api/v1/audit?record=${c.id}`)
      .set('authorization', await w.auth(w.users.admin));
    expect(res.status).toBe(200);
    expect(res.body.items.map((a: { action: string }) => a.action)).toEqual(['update', 'create']);
    expect(res.body.items[0]).toMatchObject({
      actorId: w.users.a1.id,
      entity: 'customer',
      changes: [{ field: 'region', before: '上海', after: '苏州' }],
      source: 'api',
    });
    expect(res.body.items[0].ip).toBeTruthy();
  });

  test('the audit log is append-only: the model refuses updates and deletes', async () => {
    const m = db().models.AuditLog;
    await expect(m.updateOne({}, { $set: { note: 'x' } })).rejects.toThrow('append-only');
    await expect(m.deleteMany({})).rejects.toThrow('append-only');
    await expect(m.findOneAndUpdate({}, { $set: { note: 'x' } })).rejects.toThrow('append-only');
    expect(await m.countDocuments()).toBeGreaterThan(0);
  });
});
