import { describe, expect, test } from 'vitest';
import { createPiiCipher } from '#core/security/pii';
import { isValidIdNumber } from '#core/customer/id-number';
import { OCCUPATIONS } from '#core/customer/customer.options';
import { CLAIM_STATUSES } from '#core/claim/claim.status';
import { createUserRepository } from '#core/user/user.repository';
import {
  generateScale,
  scaleId,
  scaleOrg,
  seedScale,
  storedShape,
  type ScaleAgent,
  type ScaleBatch,
} from '../../scripts/seed/scale.js';
import { seedOrg } from '../../scripts/seed/org.js';
import { buildTestApp, TEST_SECRET } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const pii = createPiiCipher(TEST_SECRET);
const AGENTS: ScaleAgent[] = [
  {
    id: '65a0a0a0000000000000a001',
    teamId: '65a0a0a0000000000000b001',
    branchId: '65a0a0a0000000000000c001',
  },
  {
    id: '65a0a0a0000000000000a002',
    teamId: '65a0a0a0000000000000b002',
    branchId: '65a0a0a0000000000000c001',
  },
];
const OPTS = { customers: 300, seed: 7, today: '2026-03-02', batchSize: 100 };

const all = (batches: ScaleBatch[], k: Exclude<keyof ScaleBatch, 'from' | 'to'>) =>
  batches.flatMap((b) => b[k]);
// The ciphertext has a random IV by design; everything else must repeat exactly.
const withoutCiphertext = (docs: Record<string, unknown>[]) => docs.map(({ idNumberEnc: _e, ...d }) => d);

describe('scale seed generator (scripts/seed/scale.ts)', () => {
  const db = useTestDatabase();

  test('when run twice with the same N, seed and day, then it yields the same documents in bounded batches', () => {
    const a = [...generateScale(OPTS, AGENTS, pii)];
    const b = [...generateScale({ ...OPTS, batchSize: 100 }, AGENTS, pii)];
    expect(withoutCiphertext(all(a, 'customers'))).toEqual(withoutCiphertext(all(b, 'customers')));
    for (const k of ['policies', 'claims', 'interactions', 'tasks', 'phoneKeys'] as const)
      expect(all(a, k)).toEqual(all(b, k));
    expect(all(a, 'customers')).toHaveLength(300);
    // Households are never split, so a batch may run over by at most one household (≤ 3 customers).
    for (const batch of a) expect(batch.customers.length).toBeLessThanOrEqual(102);
    const other = [...generateScale({ ...OPTS, seed: 8 }, AGENTS, pii)];
    expect(all(other, 'customers').map((c) => c.name)).not.toEqual(all(a, 'customers').map((c) => c.name));
  });

  test('when generated, then the book is realistic: families linked both ways, unique phones and ID numbers, claims in every state', () => {
    const batches = [...generateScale({ ...OPTS, customers: 2000 }, AGENTS, pii)];
    const customers = all(batches, 'customers') as {
      _id: { toString(): string };
      occupation: string;
      phones: { number: string }[];
      idNumberEnc?: string;
      family: { relation: string; linkedCustomerId?: { toString(): string } }[];
      segmentation?: { tier: string };
    }[];
    const byId = new Map(customers.map((c) => [c._id.toString(), c]));
    const phones = customers.flatMap((c) => c.phones.map((p) => p.number));
    expect(new Set(phones).size).toBe(phones.length);
    for (const p of phones) expect(p).toMatch(/^\+861[3-9]\d{9}$/);
    const ids = customers.flatMap((c) => (c.idNumberEnc ? [pii.decrypt(c.idNumberEnc)] : []));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(isValidIdNumber(id)).toBe(true);
    for (const c of customers) {
      expect(OCCUPATIONS).toContain(c.occupation);
      expect(c.segmentation).toBeDefined();
      for (const f of c.family) {
        if (!f.linkedCustomerId) continue;
        const other = byId.get(f.linkedCustomerId.toString());
        expect(other?.family.some((g) => g.linkedCustomerId?.toString() === c._id.toString())).toBe(true);
      }
    }
    expect(customers.filter((c) => c.family.some((f) => f.relation === 'spouse')).length).toBeGreaterThan(
      500,
    );
    const policies = all(batches, 'policies');
    expect(policies.length / customers.length).toBeGreaterThan(2.5);
    expect(new Set(policies.map((p) => p.line)).size).toBe(9);
    const states = new Set(all(batches, 'claims').map((c) => c.status));
    expect([...states].sort()).toEqual([...CLAIM_STATUSES].sort());
    expect(all(batches, 'tasks').some((t) => t.status === 'open')).toBe(true);
  });

  test('when mongoose casts a generated document, then nothing changes (lean inserts store what the services store)', async () => {
    const m = db().models;
    const [batch] = [...generateScale({ ...OPTS, customers: 120 }, AGENTS, pii)];
    if (!batch) throw new Error('no batch');
    const pairs = [
      [m.Customer, batch.customers],
      [m.CustomerPhoneKey, batch.phoneKeys],
      [m.Policy, batch.policies],
      [m.Claim, batch.claims],
      [m.Interaction, batch.interactions],
      [m.Task, batch.tasks],
    ] as const;
    for (const [model, docs] of pairs) {
      expect(docs.length).toBeGreaterThan(0);
      for (const raw of docs) {
        const doc = storedShape(raw);
        const cast = new (
          model as unknown as new (d: unknown) => {
            validate(): Promise<void>;
            toObject(): unknown;
          }
        )(doc);
        await cast.validate();
        expect(cast.toObject()).toEqual(doc);
      }
    }
  });

  test('when seeded, then a scaled customer is found by pinyin initials, name and phone, and its 360 view answers', async () => {
    const users = createUserRepository(db().models);
    const org = await seedOrg(users);
    const agents = await scaleOrg(users, org, 150);
    const result = await seedScale(db(), { ...OPTS, customers: 150, batchSize: 50 }, agents, pii);
    expect(result.customers).toBe(150);
    // A second run inserts nothing (resumable, idempotent).
    expect(
      (await seedScale(db(), { ...OPTS, customers: 150, batchSize: 50 }, agents, pii)).skippedBatches,
    ).toBe(3);

    const { http, tokenFor } = buildTestApp(db());
    const manager = org.find((u) => u.role === 'branch_manager');
    if (!manager) throw new Error('no manager');
    const auth = { authorization: `Bearer ${await tokenFor(manager)}` };
    const c = await db()
      .models.Customer.findOne({ _id: scaleId('customer', OPTS.seed, 42) })
      .lean();
    if (!c) throw new Error('customer 42 missing');
    for (const q of [c.nameInitials, c.name, c.phones[0]?.number.slice(3) ?? '', c.phoneLast4[0] ?? '']) {
      const res = await http().get('/api/v1/customers').query({ q, pageSize: 100 }).set(auth);
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: { id: string }) => i.id)).toContain(String(c._id));
    }
    const view = await http()
      .get(`/api/v1/customers/${String(c._id)}`)
      .set(auth);
    expect(view.status).toBe(200);
    expect(view.body.customer.name).toBe(c.name);
    const policies = await db().models.Policy.countDocuments({ customerId: c._id });
    expect(view.body.policies).toHaveLength(policies);
    expect(view.body.segmentation).not.toBeNull();
  });
});
