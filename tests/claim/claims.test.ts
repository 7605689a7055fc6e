import { beforeAll, describe, expect, test } from 'vitest';
import { CLAIM_TRANSITIONS, type ClaimStatus } from '#core/claim/claim.status';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld, type World } from '../customer/world.js';

const db = useTestDatabase();
let w: World;
beforeAll(async () => {
  w = await buildWorld(db);
});

async function newClaim() {
  const c = await w.f.customer(w.users.a1, { name: '理赔客户' });
  const p = await w.f.policy(w.users.a1, c.id, { line: '医疗' });
  const res = await w.t
    .http()
    .post('/api/v1/claims')
    .set('authorization', await w.auth(w.users.a1))
    .send({
      policyId: p.id,
      incidentDate: '2026-11-01',
      amountClaimed: 23_000,
      description: '住院',
      note: '客户电话报案',
    });
  expect(res.status).toBe(201);
  return { customer: c, policy: p, claim: res.body as { id: string; status: string; number: string } };
}

async function move(id: string, body: Record<string, unknown>, who = w.users.a1) {
  return w.t
    .http()
    .post(`/api/v1/claims/${id}/transitions`)
    .set('authorization', await w.auth(who))
    .send(body);
}

describe('POST /api/v1/claims/:id/transitions', () => {
  test('when a claim walks every legal transition (with a documents loop), then each is accepted and the timeline is complete', async () => {
    const { claim } = await newClaim();
    expect(claim.status).toBe('reported');
    const path: { to: ClaimStatus; note: string; amountPaid?: number }[] = [
      { to: 'accepted', note: '资料齐全，受理' },
      { to: 'reviewing', note: '进入审核' },
      { to: 'need_documents', note: '缺出院小结' },
      { to: 'reviewing', note: '材料已补' },
      { to: 'approved', note: '核准赔付' },
      { to: 'paid', note: '已打款', amountPaid: 21_500 },
      { to: 'closed', note: '结案' },
    ];
    for (const step of path) {
      const res = await move(claim.id, step);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.status).toBe(step.to);
      expect(res.body.allowedNext).toEqual([...CLAIM_TRANSITIONS[step.to]]);
    }
    const stored = await db().models.Claim.findById(claim.id).lean();
    expect(stored?.status).toBe('closed');
    expect(stored?.amountPaid).toBe(21_500);
    expect(stored?.timeline.map((t) => [t.seq, t.from ?? null, t.to, t.note])).toEqual([
      [1, null, 'reported', '客户电话报案'],
      [2, 'reported', 'accepted', '资料齐全，受理'],
      [3, 'accepted', 'reviewing', '进入审核'],
      [4, 'reviewing', 'need_documents', '缺出院小结'],
      [5, 'need_documents', 'reviewing', '材料已补'],
      [6, 'reviewing', 'approved', '核准赔付'],
      [7, 'approved', 'paid', '已打款'],
      [8, 'paid', 'closed', '结案'],
    ]);
    for (const t of stored!.timeline) {
      expect(t.actorId).toBe(w.users.a1.id);
      expect(t.actorName).toBe('张伟');
      expect(t.at).toBeInstanceOf(Date);
    }
    // One outbox event per timeline entry, pending for the jobs worker, deduped by claim + seq.
    const events = await db()
      .models.DomainEvent.find({ aggregateId: stored!._id })
      .sort({ occurredAt: 1, _id: 1 })
      .lean();
    expect(events.map((e) => [e.type, (e.payload as { to: string }).to, e.status])).toEqual([
      ['claim.reported', 'reported', 'pending'],
      ...path.map((s) => ['claim.transitioned', s.to, 'pending']),
    ]);
    expect(new Set(events.map((e) => e.dedupeKey)).size).toBe(8);
    // Audited as transitions with the status diff.
    const audits = await db()
      .models.AuditLog.find({ recordId: claim.id, action: 'transition' })
      .sort({ at: 1, _id: 1 })
      .lean();
    expect(audits).toHaveLength(7);
    expect(audits[0]!.changes).toEqual([{ field: 'status', before: 'reported', after: 'accepted' }]);
  });

  test('when a rejected claim is closed, then that path is legal too', async () => {
    const { claim } = await newClaim();
    for (const to of ['accepted', 'reviewing', 'rejected', 'closed']) {
      const res = await move(claim.id, { to, note: to === 'rejected' ? '既往症，不予赔付' : undefined });
      expect(res.status).toBe(200);
    }
  });

  test('when a transition is illegal, then it answers 409 listing the allowed next states and nothing changes', async () => {
    const { claim } = await newClaim();
    const res = await move(claim.id, { to: 'paid', amountPaid: 100 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'CLAIM_TRANSITION_INVALID',
      details: { from: 'reported', to: 'paid', allowed: ['accepted'] },
    });
    expect(res.body.error.message).toContain('已受理');
    const skip = await move(claim.id, { to: 'rejected' });
    expect(skip.status).toBe(409);
    const stored = await db().models.Claim.findById(claim.id).lean();
    expect(stored?.status).toBe('reported');
    expect(stored?.timeline).toHaveLength(1);
    expect(await db().models.DomainEvent.countDocuments({ aggregateId: stored!._id })).toBe(1);
  });

  test('when a closed claim is moved, then 409 says no next state is allowed', async () => {
    const { claim } = await newClaim();
    for (const to of ['accepted', 'reviewing', 'rejected', 'closed']) await move(claim.id, { to });
    const res = await move(claim.id, { to: 'reviewing' });
    expect(res.status).toBe(409);
    expect(res.body.error.details.allowed).toEqual([]);
  });

  test('when paid has no amount, or the target status is unknown, then it answers 400', async () => {
    const { claim } = await newClaim();
    const bad = await move(claim.id, { to: 'teleported' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('to');
    for (const to of ['accepted', 'reviewing', 'approved']) await move(claim.id, { to });
    const noAmount = await move(claim.id, { to: 'paid' });
    expect(noAmount.status).toBe(400);
    expect(noAmount.body.error.details).toEqual([{ path: 'amountPaid', message: '赔付时必须填写赔付金额' }]);
  });

  test('when two transitions race from the same state, then exactly one wins', async () => {
    const { claim } = await newClaim();
    await move(claim.id, { to: 'accepted' });
    await move(claim.id, { to: 'reviewing' });
    const [a, b] = await Promise.all([
      move(claim.id, { to: 'approved' }),
      move(claim.id, { to: 'need_documents' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const stored = await db().models.Claim.findById(claim.id).lean();
    expect(stored?.timeline).toHaveLength(4);
  });

  test('when a writer crashed after claiming a position but before updating the claim, then the next transition rolls it forward', async () => {
    const { claim, customer } = await newClaim();
    // Simulate the crash: the outbox holds position 2 (reported → accepted), the claim document does not.
    const stored = await w.t.services.customerRepositories.claims.findById({ level: 'all' }, claim.id);
    const inserted = await w.t.services.customerRepositories.events.append({
      type: 'claim.transitioned',
      dedupeKey: `claim:${claim.id}:2`,
      occurredAt: new Date(),
      actorId: w.users.a1.id,
      customerId: customer.id,
      ownership: stored!.ownership,
      aggregateType: 'claim',
      aggregateId: claim.id,
      payload: {
        number: claim.number,
        seq: 2,
        from: 'reported',
        to: 'accepted',
        note: '崩溃前',
        actorName: '张伟',
        amountPaid: null,
      },
    });
    expect(inserted).toBe(true);
    const res = await move(claim.id, { to: 'accepted' });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ from: 'accepted', allowed: ['reviewing'] });
    const after = await db().models.Claim.findById(claim.id).lean();
    expect(after?.status).toBe('accepted');
    expect(after?.timeline.map((t) => t.note ?? null)).toEqual(['客户电话报案', '崩溃前']);
    expect((await move(claim.id, { to: 'reviewing' })).status).toBe(200);
  });

  test('when the team lead moves a claim of a team agent, then it works and the lead is the actor', async () => {
    const { claim } = await newClaim();
    const res = await move(claim.id, { to: 'accepted', note: '主管代为受理' }, w.users.leadA1);
    expect(res.status).toBe(200);
    expect(res.body.timeline.at(-1)).toMatchObject({
      actorId: w.users.leadA1.id,
      note: '主管代为受理',
      toLabel: '已受理',
    });
  });
});

describe('GET /api/v1/claims', () => {
  test('when filtering by status, then only claims in that state in scope come back', async () => {
    const { claim, customer } = await newClaim();
    const res = await w.t
      .http()
      .get(`/api/v1/claims?customerId=${customer.id}&status=reported`)
      .set('authorization', await w.auth(w.users.a1));
    expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([claim.id]);
  });
});
