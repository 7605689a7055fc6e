import { describe, expect, test } from 'vitest';
import { customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { buildTestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
const org = orgFactory(db);

describe('POST /api/v1/interactions: compliance scan after the fact', () => {
  test('when an agent logs text with a forbidden promise, then the interaction is kept and a hit is flagged', async () => {
    const t = buildTestApp(db());
    const agent = await org.user('agent');
    const customer = await customerFactory(() => t.services).customer(agent, { name: '王合规' });
    const res = await t
      .http()
      .post('/api/v1/interactions')
      .set('authorization', `Bearer ${await t.tokenFor(agent)}`)
      .send({ customerId: customer.id, type: 'visit', summary: '跟客户说这款产品保本保息，稳赚不赔' });
    expect(res.status).toBe(201);

    const hits = await db().models.ComplianceHit.find({ sourceRef: res.body.id }).lean();
    expect(hits.length).toBeGreaterThanOrEqual(2);
    expect(hits.every((h) => h.source === 'interaction' && h.action === 'flagged')).toBe(true);
    expect(hits.map((h) => h.agentId?.toString())).toContain(agent.id);
    expect(await db().models.Interaction.countDocuments({ _id: res.body.id })).toBe(1);
  });

  test('when the text is a compliant disclosure, then nothing is flagged', async () => {
    const t = buildTestApp(db());
    const agent = await org.user('agent');
    const customer = await customerFactory(() => t.services).customer(agent, { name: '李披露' });
    const res = await t
      .http()
      .post('/api/v1/interactions')
      .set('authorization', `Bearer ${await t.tokenFor(agent)}`)
      .send({ customerId: customer.id, type: 'call', summary: '已向客户说明本产品不保证收益，分红不确定' });
    expect(res.status).toBe(201);
    expect(await db().models.ComplianceHit.countDocuments({ sourceRef: res.body.id })).toBe(0);
  });
});
