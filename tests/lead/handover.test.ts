import { describe, expect, test } from 'vitest';
import type { UserRecord } from '#core/user/user.repository';
import { randomMobile } from '../factories/customers.js';
import { orgFactory, signedInAdmin } from '../factories/org.js';
import type { TestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
const org = orgFactory(db);

async function leadOf(t: TestApp, agent: UserRecord, name: string, stage?: 'contacted' | 'lost') {
  const auth = `Bearer ${await t.tokenFor(agent)}`;
  const res = await t
    .http()
    .post('/api/v1/leads')
    .set('authorization', auth)
    .send({ name, phone: randomMobile(), intent: 'high', type: '保障型' });
  expect(res.status).toBe(201);
  const id = res.body.lead.id as string;
  if (stage)
    await t
      .http()
      .post(`/api/v1/leads/${id}/stage`)
      .set('authorization', auth)
      .send(stage === 'lost' ? { stage, lossReason: '暂无需求' } : { stage })
      .expect(200);
  return id;
}

describe('POST /api/v1/handover and leads', () => {
  test('when an agent’s whole book is handed over, then their open leads move with the reason and an audit entry; won/lost and pool leads stay', async () => {
    const { t, auth } = await signedInAdmin(db);
    const team = await org.team();
    const leaver = await org.user('agent', { team }, { name: '离职小王' });
    const receiver = await org.user('agent', { team }, { name: '接手小李' });
    const assigned = await leadOf(t, leaver, '线索甲');
    const contacted = await leadOf(t, leaver, '线索乙', 'contacted');
    const lost = await leadOf(t, leaver, '线索丙', 'lost');
    const pooled = await leadOf(t, leaver, '线索丁');
    await db().models.Lead.updateOne({ _id: pooled }, { $set: { inPool: true } });

    const res = await t
      .http()
      .post('/api/v1/handover')
      .set('authorization', auth)
      .send({ fromAgentId: leaver.id, toAgentId: receiver.id, note: '离职交接' });

    expect(res.status).toBe(200);
    expect(res.body.moved.leads).toBe(2);
    const { Lead, AuditLog } = db().models;
    const byId = new Map(
      (await Lead.find({ _id: { $in: [assigned, contacted, lost, pooled] } }).lean()).map((l) => [
        l._id.toString(),
        l,
      ]),
    );
    for (const id of [assigned, contacted]) {
      const l = byId.get(id);
      expect(l?.assigneeId?.toString()).toBe(receiver.id);
      expect(l?.teamId?.toString()).toBe(receiver.teamId);
      expect(l?.assignment?.reason).toBe('交接：离职小王 的在跟线索转给 接手小李（离职交接）');
      expect(l?.history.at(-1)).toMatchObject({ kind: 'assigned', to: receiver.id });
    }
    // The pipeline stage is kept: a contacted lead stays contacted.
    expect(byId.get(contacted)?.stage).toBe('contacted');
    expect(byId.get(lost)?.assigneeId?.toString()).toBe(leaver.id);
    expect(byId.get(pooled)?.assigneeId?.toString()).toBe(leaver.id);
    const audits = await AuditLog.find({ entity: 'lead', action: 'handover' }).lean();
    expect(audits.map((a) => a.recordId).sort()).toEqual([assigned, contacted].sort());
    expect(audits[0]?.changes).toEqual([{ field: 'assigneeId', before: leaver.id, after: receiver.id }]);

    // The receiver now sees them in their own list.
    const mine = await t
      .http()
      .get('/api/v1/leads')
      .set('authorization', `Bearer ${await t.tokenFor(receiver)}`);
    expect(mine.body.items.map((l: { id: string }) => l.id).sort()).toEqual([assigned, contacted].sort());

    // Running the same handover again moves nothing more.
    const again = await t
      .http()
      .post('/api/v1/handover')
      .set('authorization', auth)
      .send({ fromAgentId: leaver.id, toAgentId: receiver.id });
    expect(again.body.moved.leads).toBe(0);
  });

  test('when only some customers are handed over, then the agent keeps their leads', async () => {
    const { t, auth } = await signedInAdmin(db);
    const team = await org.team();
    const from = await org.user('agent', { team });
    const to = await org.user('agent', { team });
    const lead = await leadOf(t, from, '线索戊');
    const customer = await t
      .http()
      .post('/api/v1/customers')
      .set('authorization', `Bearer ${await t.tokenFor(from)}`)
      .send({ name: '部分交接客户', phones: [{ number: randomMobile() }] });
    expect(customer.status).toBe(201);

    const res = await t
      .http()
      .post('/api/v1/handover')
      .set('authorization', auth)
      .send({ fromAgentId: from.id, toAgentId: to.id, customerIds: [customer.body.id] });

    expect(res.body.moved).toMatchObject({ customers: 1, leads: 0 });
    expect((await db().models.Lead.findById(lead).lean())?.assigneeId?.toString()).toBe(from.id);
  });
});
