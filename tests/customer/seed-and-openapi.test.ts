import { beforeAll, describe, expect, test } from 'vitest';
import { CLAIM_STATUSES } from '#core/claim/claim.status';
import { createUserRepository, type UserRecord } from '#core/user/user.repository';
import { seedCustomers } from '../../scripts/seed/customers.js';
import { seedOrg } from '../../scripts/seed/org.js';
import { buildTestApp, type TestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
const now = new Date('2026-11-22T02:00:00Z');
let t: TestApp;
let users: UserRecord[];
let showcase: string;

beforeAll(async () => {
  t = buildTestApp(db(), { clock: () => now });
  users = await seedOrg(createUserRepository(db().models));
  showcase = (await seedCustomers(t.services, users, now)).showcaseCustomerId;
}, 120_000);

const as = async (wecomUserId: string) =>
  `Bearer ${await t.tokenFor(users.find((u) => u.wecomUserId === wecomUserId)!)}`;

describe('npm run seed (customers)', () => {
  test('when seeded, then there are claims in every state, policies across lines expiring over the coming year, and open tasks', async () => {
    const m = db().models;
    const states = await m.Claim.distinct('status');
    expect([...states].sort()).toEqual([...CLAIM_STATUSES].sort());
    const lines = await m.Policy.distinct('line');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const expiries = (await m.Policy.find({}, { expiryDate: 1 }).lean()).map((p) => p.expiryDate).sort();
    expect(expiries[0]! > '2026-11-22').toBe(true);
    expect(expiries.at(-1)! <= '2027-11-22').toBe(true);
    expect(new Set(expiries.map((e) => e.slice(0, 7))).size).toBeGreaterThanOrEqual(10);
    expect(await m.Task.countDocuments({ status: 'open' })).toBeGreaterThan(5);
    const dormant = await m.Customer.countDocuments({ 'segmentation.lifecycle': 'dormant' });
    expect(dormant).toBeGreaterThanOrEqual(1);
    expect(await m.Customer.countDocuments({ 'segmentation.book': 'select' })).toBeGreaterThanOrEqual(1);
    expect(await m.Customer.countDocuments({ 'segmentation.book': 'core' })).toBe(1);
  });

  test('when the seed runs again, then nothing is duplicated', async () => {
    const m = db().models;
    const before = await Promise.all(
      [m.Customer, m.Policy, m.Claim, m.Interaction, m.Task, m.Ticket].map((x) =>
        (x as typeof m.Task).countDocuments(),
      ),
    );
    const again = await seedCustomers(t.services, users, now);
    expect(again.counts).toEqual({ customers: 0, policies: 0, claims: 0, interactions: 0, tickets: 0 });
    const after = await Promise.all(
      [m.Customer, m.Policy, m.Claim, m.Interaction, m.Task, m.Ticket].map((x) =>
        (x as typeof m.Task).countDocuments(),
      ),
    );
    expect(after).toEqual(before);
  });

  test('when zhangwei opens the seeded 张三, then the 360 view has every section filled', async () => {
    const res = await t
      .http()
      .get(`/api/v1/customers/${showcase}`)
      .set('authorization', await as('zhangwei'));
    expect(res.status).toBe(200);
    const v = res.body;
    expect(v.customer).toMatchObject({ name: '张三', idNumberMasked: true, occupation: '企业主' });
    expect(v.customer.idNumber).toMatch(/^310\*{11}\d{3}[\dX]$/);
    expect(v.owner.name).toBe('张伟');
    expect(v.family.map((f: { relation: string; name: string }) => `${f.relation}:${f.name}`).sort()).toEqual(
      ['child:张小宝', 'spouse:李梅'],
    );
    expect(v.family.find((f: { relation: string }) => f.relation === 'spouse').linkedCustomerName).toBe(
      '李梅',
    );
    expect(v.policies.length).toBe(2);
    expect(v.policies.every((p: { daysToExpiry: number }) => p.daysToExpiry > 0)).toBe(true);
    expect(v.claims[0].timeline.length).toBeGreaterThanOrEqual(1);
    expect(v.recentInteractions.length).toBe(2);
    expect(v.openTasks.length).toBeGreaterThanOrEqual(1);
    expect(v.tags).toContain('高净值');
    expect(v.segmentation).toMatchObject({ book: 'core', tier: 'high' });
    expect(v.segmentation.reasons.book[0]).toContain('转介绍 3 位客户');
    const other = await t
      .http()
      .get(`/api/v1/customers/${showcase}`)
      .set('authorization', await as('yangfan'));
    expect(other.status).toBe(404);
  });
});

type Schema = {
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
  oneOf?: Schema[];
  allOf?: Schema[];
};

describe('GET /api/v1/openapi.json', () => {
  test('when fetched, then every customer-360 route is documented and every key of a real 360 response is in the schema', async () => {
    const doc = (await t.http().get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, Schema> };
    };
    const expected: [string, string][] = [
      ['/api/v1/customers', 'get'],
      ['/api/v1/customers', 'post'],
      ['/api/v1/customers/{id}', 'get'],
      ['/api/v1/customers/{id}', 'patch'],
      ['/api/v1/customers/{id}/timeline', 'get'],
      ['/api/v1/policies', 'get'],
      ['/api/v1/policies', 'post'],
      ['/api/v1/policies/{id}', 'get'],
      ['/api/v1/policies/{id}', 'patch'],
      ['/api/v1/claims', 'get'],
      ['/api/v1/claims', 'post'],
      ['/api/v1/claims/{id}', 'get'],
      ['/api/v1/claims/{id}/transitions', 'post'],
      ['/api/v1/interactions', 'get'],
      ['/api/v1/interactions', 'post'],
      ['/api/v1/tasks', 'get'],
      ['/api/v1/tasks', 'post'],
      ['/api/v1/tasks/{id}', 'patch'],
      ['/api/v1/tickets', 'get'],
      ['/api/v1/tickets', 'post'],
      ['/api/v1/tickets/{id}', 'get'],
      ['/api/v1/tickets/{id}', 'patch'],
      ['/api/v1/handover', 'post'],
      ['/api/v1/audit', 'get'],
    ];
    for (const [path, method] of expected)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const s360 = (
      doc.paths['/api/v1/customers/{id}']!.get as {
        responses: Record<string, { content: Record<string, { schema: Schema }> }>;
      }
    ).responses['200']!.content['application/json']!.schema;
    expect(s360.$ref).toBe('#/components/schemas/Customer360');

    const resolve = (s: Schema): Schema => {
      if (s.$ref) return resolve(doc.components.schemas[s.$ref.split('/').pop()!]!);
      const variant = (s.oneOf ?? s.allOf)?.find((x) => x.$ref || x.properties);
      return variant ? resolve(variant) : s;
    };
    const missing: string[] = [];
    const walk = (value: unknown, schema: Schema, at: string) => {
      const s = resolve(schema);
      if (Array.isArray(value)) {
        if (value.length && s.items) walk(value[0], s.items, `${at}[0]`);
        return;
      }
      if (value && typeof value === 'object' && s.properties) {
        for (const [k, v] of Object.entries(value)) {
          const child = s.properties[k];
          if (!child) missing.push(`${at}.${k}`);
          else walk(v, child, `${at}.${k}`);
        }
      }
    };
    const res = await t
      .http()
      .get(`/api/v1/customers/${showcase}`)
      .set('authorization', await as('zhangwei'));
    walk(res.body, s360, '360');
    expect(missing).toEqual([]);
    expect(Object.keys(resolve(s360).properties!).sort()).toEqual(Object.keys(res.body).sort());
  });
});
