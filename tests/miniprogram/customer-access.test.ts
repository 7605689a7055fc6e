import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UserRecord } from '#core/user/user.repository';
import { customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { buildTestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { startHarness, type Harness } from '../wecom/harness.js';

// The mini-program's server side against the WeChat/WeCom simulator over real HTTP: wx.login codes go
// through jscode2session, phone codes through getuserphonenumber, wx.qy.login through
// miniprogram/jscode2session.
const db = useTestDatabase();
let h: Harness;
let agent: UserRecord;
let otherAgent: UserRecord;
let ids: { zhangsan: string; lisi: string; policy: string; lisiPolicy: string; claim: string };
const staffToken = new Map<string, string>();

beforeAll(async () => {
  h = await startHarness(db());
  const org = orgFactory(db);
  const team = await org.team();
  agent = await org.user('agent', { team }, { name: '张伟', wecomUserId: 'zhangwei_mp' });
  otherAgent = await org.user('agent', {}, { name: '杨帆' });
  const f = customerFactory(() => h.services);
  const zhangsan = await f.customer(agent, {
    name: '张三',
    phones: [{ number: '13800138000', label: 'mobile' }],
  });
  const lisi = await f.customer(otherAgent, {
    name: '李四',
    phones: [{ number: '13900139000', label: 'mobile' }],
  });
  const policy = await f.policy(agent, zhangsan.id, {
    product: '平安福重疾险',
    effectiveDate: '2026-01-01',
    expiryDate: '2027-01-01',
  });
  const lisiPolicy = await f.policy(otherAgent, lisi.id, { product: '李四的医疗险' });
  const claim = await f.claim(agent, policy.id, { incidentDate: '2026-10-01', amountClaimed: 8000 });
  ids = {
    zhangsan: zhangsan.id,
    lisi: lisi.id,
    policy: policy.id,
    lisiPolicy: lisiPolicy.id,
    claim: claim.id,
  };
  for (const u of [agent, otherAgent]) staffToken.set(u.id, (await h.services.auth.devLogin(u.id)).token);
});
afterAll(() => h?.close());

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function invite(customerId: string, by: UserRecord = agent) {
  return h
    .http()
    .post(`/api/v1/customers/${customerId}/invite`)
    .set(bearer(staffToken.get(by.id)!))
    .send({});
}

async function wechatLogin(openid: string) {
  const code = h.sim.issueWechatLoginCode(openid);
  return h.http().post('/api/v1/customer-auth/wechat-login').send({ code });
}

describe('POST /api/v1/customers/:id/invite', () => {
  test('when an agent invites their own customer, then an 8-character code valid for 7 days is returned', async () => {
    const res = await invite(ids.zhangsan);
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    const days = (Date.parse(res.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
  });

  test("when an agent invites another agent's customer, then it answers 404 and creates nothing", async () => {
    const res = await invite(ids.lisi);
    expect(res.status).toBe(404);
    expect(await db().models.CustomerInvite.countDocuments({ customerId: ids.lisi })).toBe(0);
  });
});

describe('customer sign-in and binding', () => {
  test('when a new WeChat user logs in, binds with an invite code and logs in again, then the second login needs no binding', async () => {
    const first = await wechatLogin('openid-zhangsan');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ bound: false, bindTicket: expect.stringMatching(/^t1\./) });

    const { code } = (await invite(ids.zhangsan)).body as { code: string };
    const bound = await h
      .http()
      .post('/api/v1/customer-auth/bind-invite')
      .send({ bindTicket: first.body.bindTicket, inviteCode: code.toLowerCase() });
    expect(bound.status).toBe(200);
    expect(bound.body.customer).toEqual({ id: ids.zhangsan, name: '张三' });

    const policies = await h.http().get('/api/v1/my/policies').set(bearer(bound.body.token));
    expect(policies.status).toBe(200);
    expect(policies.body.items.map((p: { id: string }) => p.id)).toEqual([ids.policy]);
    expect(policies.body.items[0]).toMatchObject({
      product: '平安福重疾险',
      daysToExpiry: expect.any(Number),
    });
    expect(policies.body.items[0]).not.toHaveProperty('ownerId');

    // The identity graph knows the openid now (the outbox sends subscribe messages to it).
    const stored = await h.services.customerRepositories.customers.findById({ level: 'all' }, ids.zhangsan);
    expect(stored?.identities.openid).toBe('openid-zhangsan');

    const again = await wechatLogin('openid-zhangsan');
    expect(again.body).toMatchObject({ bound: true, customer: { id: ids.zhangsan, name: '张三' } });

    // The code is used up: a second WeChat user cannot take it.
    const stranger = await wechatLogin('openid-stranger');
    const reuse = await h
      .http()
      .post('/api/v1/customer-auth/bind-invite')
      .send({ bindTicket: stranger.body.bindTicket, inviteCode: code });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.message).toBe('邀请码无效或已过期，请向顾问重新获取');
  });

  test('when WeChat verifies a phone number a customer has, then getPhoneNumber binds to that customer', async () => {
    const login = await wechatLogin('openid-lisi');
    const phoneCode = h.sim.issuePhoneCode('13900139000');
    const res = await h
      .http()
      .post('/api/v1/customer-auth/bind-phone')
      .send({ bindTicket: login.body.bindTicket, phoneCode });
    expect(res.status).toBe(200);
    expect(res.body.customer).toEqual({ id: ids.lisi, name: '李四' });
  });

  test('when the verified phone belongs to no customer, then it answers 404 with what to do next', async () => {
    const login = await wechatLogin('openid-unknown-phone');
    const res = await h
      .http()
      .post('/api/v1/customer-auth/bind-phone')
      .send({ bindTicket: login.body.bindTicket, phoneCode: h.sim.issuePhoneCode('13700137000') });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('邀请码');
  });

  test('when the wx.login code is not one WeChat issued, then it answers 401 and no ticket', async () => {
    const res = await h.http().post('/api/v1/customer-auth/wechat-login').send({ code: 'wxcode_forged' });
    expect(res.status).toBe(401);
    expect(res.body.bindTicket).toBeUndefined();
  });

  test('when a bind ticket is tampered with, then binding is refused', async () => {
    const login = await wechatLogin('openid-tamper');
    const [p, body, sig] = (login.body.bindTicket as string).split('.');
    const forged = JSON.parse(Buffer.from(body!, 'base64url').toString());
    forged.openId = 'openid-zhangsan';
    const ticket = `${p}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`;
    const { code } = (await invite(ids.zhangsan)).body as { code: string };
    const res = await h
      .http()
      .post('/api/v1/customer-auth/bind-invite')
      .send({ bindTicket: ticket, inviteCode: code });
    expect(res.status).toBe(401);
  });
});

describe('the customer sees only their own records', () => {
  let token: string;
  beforeAll(async () => {
    token = (await h.services.customerAuth.devLogin(ids.zhangsan)).token;
  });

  test("when a customer asks for another customer's policy, then it answers 404", async () => {
    const res = await h.http().get(`/api/v1/my/policies/${ids.lisiPolicy}`).set(bearer(token));
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('李四');
  });

  test('when a customer token is used on a staff route, or a staff token on a customer route, then 401', async () => {
    expect((await h.http().get('/api/v1/customers').set(bearer(token))).status).toBe(401);
    expect(
      (
        await h
          .http()
          .get('/api/v1/my/policies')
          .set(bearer(staffToken.get(agent.id)!))
      ).status,
    ).toBe(401);
    expect((await h.http().get('/api/v1/my/policies')).status).toBe(401);
  });

  test('when a customer opens their claim, then the timeline mirrors the status machine with labels', async () => {
    const res = await h.http().get(`/api/v1/my/claims/${ids.claim}`).set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'reported', statusLabel: '已报案', product: '平安福重疾险' });
    expect(res.body.timeline).toEqual([expect.objectContaining({ to: 'reported', toLabel: '已报案' })]);
  });

  test('when a customer reports a claim with photos, then the agent sees it as reported, photos are capped at 3', async () => {
    const res = await h.http().post('/api/v1/my/claims').set(bearer(token)).send({
      policyId: ids.policy,
      incidentDate: '2026-11-01',
      amountClaimed: 3000,
      description: '骑车摔伤，门诊治疗',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'reported',
      amountClaimed: 3000,
      description: '骑车摔伤，门诊治疗',
    });
    expect(res.body.timeline[0]).toMatchObject({ actorName: '张三（客户本人）', note: '客户通过小程序报案' });

    const agentView = await h
      .http()
      .get(`/api/v1/claims/${res.body.id}`)
      .set(bearer(staffToken.get(agent.id)!));
    expect(agentView.status).toBe(200);
    expect(agentView.body.customerId).toBe(ids.zhangsan);

    const png = `data:image/png;base64,${Buffer.from('fake-png-bytes').toString('base64')}`;
    for (let i = 1; i <= 3; i++) {
      const up = await h
        .http()
        .post(`/api/v1/my/claims/${res.body.id}/photos`)
        .set(bearer(token))
        .send({ dataUrl: png });
      expect(up.status).toBe(201);
      expect(up.body.count).toBe(i);
    }
    const fourth = await h
      .http()
      .post(`/api/v1/my/claims/${res.body.id}/photos`)
      .set(bearer(token))
      .send({ dataUrl: png });
    expect(fourth.status).toBe(409);
  });

  test('when the incident date is outside the policy period, then the report is refused field by field', async () => {
    const res = await h.http().post('/api/v1/my/claims').set(bearer(token)).send({
      policyId: ids.policy,
      incidentDate: '2025-06-01',
      amountClaimed: 100,
      description: '保障期前的事故',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'incidentDate', message: '出险日期不在保障期内' }]);
  });

  test('when a customer reports on a policy that is not theirs, then it answers 404', async () => {
    const res = await h.http().post('/api/v1/my/claims').set(bearer(token)).send({
      policyId: ids.lisiPolicy,
      incidentDate: '2026-11-01',
      amountClaimed: 100,
      description: '不是我的保单',
    });
    expect(res.status).toBe(404);
  });

  test('when a customer opens 我的顾问, then the owner agent and their team are shown', async () => {
    const res = await h.http().get('/api/v1/my/advisor').set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '张伟', title: '保险顾问', team: expect.any(String) });
  });

  test('when a customer saves notification choices, then they are read back (untouched categories stay on)', async () => {
    const before = await h.http().get('/api/v1/my/subscriptions').set(bearer(token));
    expect(before.body).toEqual({
      claimProgress: true,
      renewalReminder: true,
      careGreetings: true,
      channel: 'sms',
    });
    const saved = await h
      .http()
      .put('/api/v1/my/subscriptions')
      .set(bearer(token))
      .send({
        claimProgress: true,
        renewalReminder: false,
        channel: 'wechat_subscribe',
        acceptedTemplateIds: ['tmpl-claim'],
      });
    expect(saved.body).toEqual({
      claimProgress: true,
      renewalReminder: false,
      careGreetings: true,
      channel: 'wechat_subscribe',
    });
    const careOff = await h.http().put('/api/v1/my/subscriptions').set(bearer(token)).send({
      claimProgress: true,
      renewalReminder: false,
      careGreetings: false,
      channel: 'wechat_subscribe',
    });
    expect(careOff.body).toMatchObject({ renewalReminder: false, careGreetings: false });
  });

  test('when the choices are not booleans, then 400 names the field in Chinese', async () => {
    const res = await h
      .http()
      .put('/api/v1/my/subscriptions')
      .set(bearer(token))
      .send({ claimProgress: true, renewalReminder: true, careGreetings: 'no', channel: 'sms' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'careGreetings' })]),
    );
  });
});

describe('POST /api/v1/auth/wecom-mini-login (agent mode inside WeCom)', () => {
  test('when WeCom vouches for the wx.qy.login code, then the member gets a staff session', async () => {
    const code = h.sim.issueWecomLoginCode('zhangwei_mp');
    const res = await h.http().post('/api/v1/auth/wecom-mini-login').send({ code });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: agent.id, name: '张伟' });
    const me = await h.http().get('/api/v1/me').set(bearer(res.body.token));
    expect(me.status).toBe(200);
  });

  test('when the code is unknown to WeCom, then no session is issued', async () => {
    const res = await h.http().post('/api/v1/auth/wecom-mini-login').send({ code: 'qycode_forged' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.token).toBeUndefined();
    expect(typeof res.body.error.message).toBe('string');
  });
});

describe('GET /api/v1/openapi.json', () => {
  test('when the document is read, then every mini-program route is described', async () => {
    const res = await h.http().get('/api/v1/openapi.json');
    const paths = Object.keys(res.body.paths as Record<string, unknown>);
    for (const p of [
      '/api/v1/auth/wecom-mini-login',
      '/api/v1/customers/{id}/invite',
      '/api/v1/customer-auth/wechat-login',
      '/api/v1/customer-auth/bind-invite',
      '/api/v1/customer-auth/bind-phone',
      '/api/v1/customer-auth/dev-login',
      '/api/v1/my/policies',
      '/api/v1/my/policies/{id}',
      '/api/v1/my/claims',
      '/api/v1/my/claims/{id}',
      '/api/v1/my/claims/{id}/photos',
      '/api/v1/my/advisor',
      '/api/v1/my/subscriptions',
    ]) {
      expect(paths, p).toContain(p);
    }
  });
});

describe('development-only customer sign-in', () => {
  test('when running in production, then dev-login and the demo customer list do not exist', async () => {
    const prod = buildTestApp(db(), { env: 'production' });
    const login = await prod
      .http()
      .post('/api/v1/customer-auth/dev-login')
      .send({ customerId: ids.zhangsan });
    expect(login.status).toBe(404);
    expect(login.body.token).toBeUndefined();
    expect((await prod.http().get('/api/v1/customer-auth/dev-customers')).status).toBe(404);
  });
});
