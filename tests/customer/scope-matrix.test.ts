import { Types } from 'mongoose';
import { beforeAll, describe, expect, test } from 'vitest';
import { createTokenService } from '#core/auth/token';
import { createCustomerTokens } from '#core/customer-auth/customer-token';
import type { UserRecord } from '#core/user/user.repository';
import { TEST_SECRET } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld, type World } from './world.js';

// The role × route matrix: every customer-360 route, called by people who must not see agent a1's
// customer (an agent of another team, that team's lead, another branch's manager), by a caller with a
// valid signature but no staff account, by mini-program customers (customer session tokens), and anonymously.

const db = useTestDatabase();
let w: World;
let otherCustomerId: string;
let ids: { customer: string; policy: string; claim: string; task: string; ticket: string };

interface RouteCase {
  name: string;
  method: 'get' | 'post' | 'patch';
  path: () => string;
  body?: () => Record<string, unknown>;
  /** List routes answer 200 with no items instead of 404. */
  list?: boolean;
}

const routes: RouteCase[] = [
  { name: 'GET customer 360', method: 'get', path: () => `/api/v1/customers/${ids.customer}` },
  {
    name: 'GET customer reveal',
    method: 'get',
    path: () => `/api/v1/customers/${ids.customer}?reveal=idNumber`,
  },
  {
    name: 'PATCH customer',
    method: 'patch',
    path: () => `/api/v1/customers/${ids.customer}`,
    body: () => ({ name: '篡改' }),
  },
  { name: 'GET timeline', method: 'get', path: () => `/api/v1/customers/${ids.customer}/timeline` },
  { name: 'GET policy', method: 'get', path: () => `/api/v1/policies/${ids.policy}` },
  {
    name: 'PATCH policy',
    method: 'patch',
    path: () => `/api/v1/policies/${ids.policy}`,
    body: () => ({ premium: 1 }),
  },
  {
    name: 'POST policy for customer',
    method: 'post',
    path: () => '/api/v1/policies',
    body: () => ({
      customerId: ids.customer,
      number: `X${Date.now()}`,
      insurer: '某保险',
      product: '某产品',
      line: '意外',
      sumInsured: 1,
      premium: 1,
      paymentFrequency: 'annual',
      effectiveDate: '2026-01-01',
      expiryDate: '2027-01-01',
    }),
  },
  { name: 'GET claim', method: 'get', path: () => `/api/v1/claims/${ids.claim}` },
  {
    name: 'POST claim transition',
    method: 'post',
    path: () => `/api/v1/claims/${ids.claim}/transitions`,
    body: () => ({ to: 'accepted' }),
  },
  {
    name: 'POST claim on policy',
    method: 'post',
    path: () => '/api/v1/claims',
    body: () => ({ policyId: ids.policy, incidentDate: '2026-10-01', amountClaimed: 1 }),
  },
  {
    name: 'POST interaction',
    method: 'post',
    path: () => '/api/v1/interactions',
    body: () => ({ customerId: ids.customer, type: 'call', summary: '试探' }),
  },
  {
    name: 'POST task for customer',
    method: 'post',
    path: () => '/api/v1/tasks',
    body: () => ({ customerId: ids.customer, title: '试探', dueDate: '2026-12-01' }),
  },
  {
    name: 'PATCH task',
    method: 'patch',
    path: () => `/api/v1/tasks/${ids.task}`,
    body: () => ({ status: 'done' }),
  },
  {
    name: 'POST ticket',
    method: 'post',
    path: () => '/api/v1/tickets',
    body: () => ({ customerId: ids.customer, type: 'consult', title: '试探' }),
  },
  { name: 'GET ticket', method: 'get', path: () => `/api/v1/tickets/${ids.ticket}` },
  {
    name: 'PATCH ticket',
    method: 'patch',
    path: () => `/api/v1/tickets/${ids.ticket}`,
    body: () => ({ status: 'closed' }),
  },
  { name: 'GET customers list', method: 'get', path: () => '/api/v1/customers?q=zs', list: true },
  {
    name: 'GET policies of customer',
    method: 'get',
    path: () => `/api/v1/policies?customerId=${ids.customer}`,
    list: true,
  },
  {
    name: 'GET claims of customer',
    method: 'get',
    path: () => `/api/v1/claims?customerId=${ids.customer}`,
    list: true,
  },
  {
    name: 'GET interactions of customer',
    method: 'get',
    path: () => `/api/v1/interactions?customerId=${ids.customer}`,
    list: true,
  },
  {
    name: 'GET tasks of customer',
    method: 'get',
    path: () => `/api/v1/tasks?customerId=${ids.customer}`,
    list: true,
  },
  {
    name: 'GET tickets of customer',
    method: 'get',
    path: () => `/api/v1/tickets?customerId=${ids.customer}`,
    list: true,
  },
];

beforeAll(async () => {
  w = await buildWorld(db);
  const a1 = w.users.a1;
  const c = await w.f.customer(a1, { name: '张三', idNumber: '11010519491231002X' });
  const p = await w.f.policy(a1, c.id);
  const cl = await w.f.claim(a1, p.id);
  const auth = await w.auth(a1);
  const i = await w.t
    .http()
    .post('/api/v1/interactions')
    .set('authorization', auth)
    .send({ customerId: c.id, type: 'visit', summary: '面谈', nextFollowUpDate: '2099-01-01' });
  const tk = await w.t
    .http()
    .post('/api/v1/tickets')
    .set('authorization', auth)
    .send({ customerId: c.id, type: 'complaint', urgency: 'high', title: '投诉理赔慢' });
  otherCustomerId = (await w.f.customer(w.users.b1, { name: '李四' })).id;
  ids = { customer: c.id, policy: p.id, claim: cl.id, task: i.body.followUpTask.id, ticket: tk.body.id };
});

async function call(r: RouteCase, authorization?: string) {
  let req = w.t.http()[r.method](r.path());
  if (authorization) req = req.set('authorization', authorization);
  return r.body ? req.send(r.body()) : req;
}

const outsiders = ['a2', 'leadA2', 'managerB', 'b1'] as const satisfies readonly (keyof World['users'])[];

describe('role × route matrix (customer 360)', () => {
  for (const r of routes) {
    test(`${r.name}: when an outsider (other team agent/lead, other branch), then ${r.list ? '200 with no items' : '404'}, never data`, async () => {
      for (const who of outsiders) {
        const res = await call(r, await w.auth(w.users[who]));
        const text = JSON.stringify(res.body);
        if (r.list) {
          expect(res.status, who).toBe(200);
          expect(res.body.items, who).toEqual([]);
          expect(res.body.total, who).toBe(0);
        } else {
          expect(res.status, `${who} ${text}`).toBe(404);
          expect(res.body.error.code).toBe('NOT_FOUND');
        }
        expect(text).not.toContain('张三');
        expect(text).not.toContain(ids.customer);
      }
    });

    test(`${r.name}: when a mini-program customer (another customer, or this one) calls the staff route, then 401`, async () => {
      const customerTokens = createCustomerTokens({
        secret: TEST_SECRET,
        ttlSeconds: 600,
        clock: () => new Date(),
      });
      for (const customerId of [otherCustomerId, ids.customer]) {
        const res = await call(r, `Bearer ${customerTokens.issueSession(customerId).token}`);
        expect(res.status, customerId).toBe(401);
        expect(JSON.stringify(res.body)).not.toContain('张三');
      }
    });

    test(`${r.name}: when anonymous or signed for someone who is not staff, then 401`, async () => {
      const anon = await call(r);
      expect(anon.status).toBe(401);
      const notStaff = createTokenService({
        secret: TEST_SECRET,
        ttlSeconds: 600,
        clock: () => new Date(),
      }).issue({
        kind: 'staff',
        userId: new Types.ObjectId().toString(),
        role: 'agent',
        scope: { level: 'own', userId: new Types.ObjectId().toString() },
      });
      const res = await call(r, `Bearer ${notStaff.token}`);
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain('张三');
    });
  }

  test('when outsiders tried every write, then the customer, claim, task and ticket are unchanged', async () => {
    const c = await db().models.Customer.findById(ids.customer).lean();
    expect(c?.name).toBe('张三');
    const cl = await db().models.Claim.findById(ids.claim).lean();
    expect(cl?.status).toBe('reported');
    expect(cl?.timeline).toHaveLength(1);
    expect((await db().models.Task.findById(ids.task).lean())?.status).toBe('open');
    expect((await db().models.Ticket.findById(ids.ticket).lean())?.status).toBe('open');
    expect(await db().models.Policy.countDocuments({ customerId: c!._id })).toBe(1);
    expect(await db().models.Interaction.countDocuments({ customerId: c!._id })).toBe(1);
  });

  test('when the owner chain (owner, team lead, branch manager, admin) reads, then every record route answers 200', async () => {
    const chain: UserRecord[] = [w.users.a1, w.users.leadA1, w.users.managerA, w.users.admin];
    for (const u of chain) {
      for (const r of routes.filter((x) => x.method === 'get' && !x.path().includes('reveal'))) {
        const res = await call(r, await w.auth(u));
        expect(res.status, `${u.role} ${r.name}`).toBe(200);
        if (r.list && r.path().includes(ids.customer))
          expect(res.body.total, `${u.role} ${r.name}`).toBeGreaterThan(0);
      }
    }
  });

  test('when a same-team agent who is not the owner reads, then it is 404 (agents see only their own customers)', async () => {
    const res = await w.t
      .http()
      .get(`/api/v1/customers/${ids.customer}`)
      .set('authorization', await w.auth(w.users.a1b));
    expect(res.status).toBe(404);
  });

  test('handover and audit: other team’s lead gets 404 for a foreign agent, agents get 403, anonymous 401', async () => {
    const body = { fromAgentId: w.users.a1.id, toAgentId: w.users.a2.id };
    const lead = await w.t
      .http()
      .post('/api/v1/handover')
      .set('authorization', await w.auth(w.users.leadA2))
      .send(body);
    expect(lead.status).toBe(404);
    const agent = await w.t
      .http()
      .post('/api/v1/handover')
      .set('authorization', await w.auth(w.users.a2))
      .send(body);
    expect(agent.status).toBe(403);
    expect((await w.t.http().post('/api/v1/handover').send(body)).status).toBe(401);
    const audit = await w.t
      .http()
      .get(`/api/v1/audit?record=${ids.customer}`)
      .set('authorization', await w.auth(w.users.managerA));
    expect(audit.status).toBe(403);
    expect(audit.body.items).toBeUndefined();
    expect((await w.t.http().get(`/api/v1/audit?record=${ids.customer}`)).status).toBe(401);
    expect((await db().models.Customer.findById(ids.customer).lean())?.ownerId.toString()).toBe(
      w.users.a1.id,
    );
  });

  test('when an id parameter is not an ObjectId, then it answers 400, not 500', async () => {
    const auth = await w.auth(w.users.admin);
    for (const path of [
      '/api/v1/customers/abc',
      '/api/v1/policies/123',
      '/api/v1/claims/zz',
      '/api/v1/tickets/1',
    ]) {
      const res = await w.t.http().get(path).set('authorization', auth);
      expect(res.status, path).toBe(400);
    }
    const tr = await w.t
      .http()
      .post('/api/v1/claims/not-an-id/transitions')
      .set('authorization', auth)
      .send({ to: 'accepted' });
    expect(tr.status).toBe(400);
  });
});
