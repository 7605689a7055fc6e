import { beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld, type World } from '../customer/world.js';

const db = useTestDatabase();
let w: World;
let now = new Date('2026-11-22T04:00:00Z');
beforeAll(async () => {
  w = await buildWorld(db, { clock: () => now });
});

const base = (customerId: string, over: Record<string, unknown> = {}) => ({
  customerId,
  number: `PA${Math.random().toString().slice(2, 12)}`,
  insurer: '中国人寿',
  product: '国寿福',
  line: '重疾',
  sumInsured: 300_000,
  premium: 6_800,
  paymentFrequency: 'annual',
  paymentTermYears: 20,
  effectiveDate: '2026-01-01',
  expiryDate: '2026-12-31',
  ...over,
});

describe('POST /api/v1/policies', () => {
  test('when a policy is created, then it is stored under the customer’s owner, emits an event and re-segments the customer', async () => {
    const c = await w.f.customer(w.users.a1, { name: '保单客户' });
    const res = await w.t
      .http()
      .post('/api/v1/policies')
      .set('authorization', await w.auth(w.users.a1))
      .send(
        base(c.id, {
          premium: 60_000,
          beneficiaries: [{ name: '小明', relation: '子女', sharePercent: 100 }],
        }),
      );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      customerId: c.id,
      applicantName: '保单客户',
      insuredName: '保单客户',
      ownerId: w.users.a1.id,
      status: 'in_force',
    });
    const events = await db().models.DomainEvent.find({ aggregateId: res.body.id }).lean();
    expect(events.map((e) => e.type)).toEqual(['policy.created']);
    const customer = await db().models.Customer.findById(c.id).lean();
    expect(customer?.segmentation).toMatchObject({ book: 'select', tier: 'high', annualPremium: 60_000 });
    expect(customer?.segmentation?.reasons?.book).toEqual(['精选本: 年缴保费合计 ¥60,000 ≥ ¥50,000']);
  });

  test('when expiry is not after the effective date or premium is negative, then it answers 400 and writes nothing', async () => {
    const c = await w.f.customer(w.users.a1);
    const before = await db().models.Policy.countDocuments();
    const res = await w.t
      .http()
      .post('/api/v1/policies')
      .set('authorization', await w.auth(w.users.a1))
      .send(base(c.id, { expiryDate: '2025-12-31', premium: -1, line: '宠物险' }));
    expect(res.status).toBe(400);
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['line', 'premium']);
    const dates = await w.t
      .http()
      .post('/api/v1/policies')
      .set('authorization', await w.auth(w.users.a1))
      .send(base(c.id, { expiryDate: '2025-12-31' }));
    expect(dates.body.error.details).toEqual([{ path: 'expiryDate', message: '满期日必须晚于生效日' }]);
    expect(await db().models.Policy.countDocuments()).toBe(before);
  });

  test('when the number exists at the same insurer, then 409; the same number at another insurer is fine', async () => {
    const c = await w.f.customer(w.users.a1);
    const auth = await w.auth(w.users.a1);
    const first = await w.t
      .http()
      .post('/api/v1/policies')
      .set('authorization', auth)
      .send(base(c.id, { number: 'DUP-0001' }));
    expect(first.status).toBe(201);
    const dup = await w.t
      .http()
      .post('/api/v1/policies')
      .set('authorization', auth)
      .send(base(c.id, { number: 'DUP-0001' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({
      code: 'POLICY_NUMBER_TAKEN',
      details: { existingId: first.body.id },
    });
    const other = await w.t
      .http()
      .post('/api/v1/policies')
      .set('authorization', auth)
      .send(base(c.id, { number: 'DUP-0001', insurer: '太平洋保险' }));
    expect(other.status).toBe(201);
    // Out of scope: refused, but the other agent's policy id is not revealed.
    const c2 = await w.f.customer(w.users.b1);
    const foreign = await w.t
      .http()
      .post('/api/v1/policies')
      .set('authorization', await w.auth(w.users.b1))
      .send(base(c2.id, { number: 'DUP-0001' }));
    expect(foreign.status).toBe(409);
    expect(foreign.body.error.details.existingId).toBeUndefined();
  });
});

describe('days to expiry (Asia/Shanghai)', () => {
  test('when the clock crosses Shanghai midnight (16:00 UTC), then days to expiry drops by one; a UTC date change does not move it', async () => {
    const c = await w.f.customer(w.users.a1);
    const p = await w.f.policy(w.users.a1, c.id, { expiryDate: '2026-12-01', effectiveDate: '2025-12-01' });
    const days = async () =>
      (
        await w.t
          .http()
          .get(`/api/v1/policies/${p.id}`)
          .set('authorization', await w.auth(w.users.a1))
      ).body.daysToExpiry;
    now = new Date('2026-11-22T15:59:59Z'); // 23:59:59 on 22 Nov in Shanghai
    expect(await days()).toBe(9);
    now = new Date('2026-11-22T16:00:00Z'); // 00:00 on 23 Nov in Shanghai, still 22 Nov in UTC
    expect(await days()).toBe(8);
    now = new Date('2026-11-23T00:30:00Z'); // UTC rolls over; Shanghai is still 23 Nov
    expect(await days()).toBe(8);
    now = new Date('2026-12-01T10:00:00Z');
    expect(await days()).toBe(0);
    now = new Date('2026-12-02T10:00:00Z');
    expect(await days()).toBe(-1);
    now = new Date('2026-11-22T04:00:00Z');
  });

  test('when listing policies expiring within 30 days, then the window starts today in Shanghai and the 360 view carries the same numbers', async () => {
    const c = await w.f.customer(w.users.a1b, { name: '续保客户' });
    const inWindow = await w.f.policy(w.users.a1b, c.id, {
      effectiveDate: '2025-12-20',
      expiryDate: '2026-12-20',
    });
    const later = await w.f.policy(w.users.a1b, c.id, {
      effectiveDate: '2026-02-01',
      expiryDate: '2027-02-01',
    });
    const gone = await w.f.policy(w.users.a1b, c.id, {
      effectiveDate: '2025-11-01',
      expiryDate: '2026-11-01',
    });
    const auth = await w.auth(w.users.a1b);
    const res = await w.t.http().get('/api/v1/policies?expiringWithinDays=30').set('authorization', auth);
    const ids = res.body.items.map((x: { id: string }) => x.id);
    expect(ids).toContain(inWindow.id);
    expect(ids).not.toContain(later.id);
    expect(ids).not.toContain(gone.id);
    const view = await w.t.http().get(`/api/v1/customers/${c.id}`).set('authorization', auth);
    const byId = new Map(
      view.body.policies.map((p: { id: string; daysToExpiry: number }) => [p.id, p.daysToExpiry]),
    );
    expect(byId.get(inWindow.id)).toBe(28);
    expect(byId.get(gone.id)).toBe(-21);
  });
});

describe('PATCH /api/v1/policies/:id', () => {
  test('when a policy lapses, then the change is audited, a status event is emitted and the customer churns', async () => {
    const c = await w.f.customer(w.users.a1, { name: '断缴客户' });
    const p = await w.f.policy(w.users.a1, c.id);
    const res = await w.t
      .http()
      .patch(`/api/v1/policies/${p.id}`)
      .set('authorization', await w.auth(w.users.a1))
      .send({ status: 'lapsed' });
    expect(res.status).toBe(200);
    const audit = await db().models.AuditLog.findOne({ recordId: p.id, action: 'update' }).lean();
    expect(audit?.changes).toEqual([{ field: 'status', before: 'in_force', after: 'lapsed' }]);
    expect(
      await db().models.DomainEvent.countDocuments({
        aggregateId: audit && p.id,
        type: 'policy.status_changed',
      }),
    ).toBe(1);
    const customer = await db().models.Customer.findById(c.id).lean();
    expect(customer?.segmentation?.lifecycle).toBe('churned');
  });

  test('when the new expiry is before the stored effective date, then it answers 400', async () => {
    const c = await w.f.customer(w.users.a1);
    const p = await w.f.policy(w.users.a1, c.id, { effectiveDate: '2026-01-01', expiryDate: '2027-01-01' });
    const res = await w.t
      .http()
      .patch(`/api/v1/policies/${p.id}`)
      .set('authorization', await w.auth(w.users.a1))
      .send({ expiryDate: '2025-06-01' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('expiryDate');
  });
});
