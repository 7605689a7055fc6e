import { describe, expect, test } from 'vitest';
import { useTestDatabase } from '../setup/test-db.js';
import { buildTestApp } from '../setup/test-app.js';
import { orgFactory, signedInAdmin } from '../factories/org.js';

const db = useTestDatabase();
const org = orgFactory(db);

const asAdmin = () => signedInAdmin(db);

describe('POST /api/v1/users', () => {
  test('when an admin creates an agent in a team, then it answers 201 and the user is stored with the branch', async () => {
    const { t, auth } = await asAdmin();
    const team = await org.team();
    const res = await t
      .http()
      .post('/api/v1/users')
      .set('authorization', auth)
      .send({
        name: '孙悟空',
        role: 'agent',
        wecomUserId: 'sunwukong',
        teamId: team.id,
        productLines: ['重疾'],
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '孙悟空',
      role: 'agent',
      teamId: team.id,
      branchId: team.branchId,
      active: true,
    });
    const stored = await db().models.User.findById(res.body.id).lean();
    expect(stored?.wecomUserId).toBe('sunwukong');
  });

  test('when the WeCom userid is taken, then it answers 409 with the existing id', async () => {
    const { t, auth } = await asAdmin();
    const existing = await org.user('agent');
    const team = await org.team();
    const res = await t
      .http()
      .post('/api/v1/users')
      .set('authorization', auth)
      .send({ name: '重复', role: 'agent', wecomUserId: existing.wecomUserId, teamId: team.id });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'USER_WECOM_ID_TAKEN',
      details: { existingId: existing.id },
    });
  });

  test('when fields are invalid, then it answers 400 naming each field and writes nothing', async () => {
    const { t, auth } = await asAdmin();
    const before = await db().models.User.countDocuments();
    const res = await t
      .http()
      .post('/api/v1/users')
      .set('authorization', auth)
      .send({ name: '', role: 'boss', wecomUserId: 'has space', teamId: 'xyz', extra: 1 });
    expect(res.status).toBe(400);
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['(body)', 'name', 'role', 'teamId', 'wecomUserId']);
    expect(await db().models.User.countDocuments()).toBe(before);
  });

  test('when an agent is created without a team, then it answers 422', async () => {
    const { t, auth } = await asAdmin();
    const res = await t
      .http()
      .post('/api/v1/users')
      .set('authorization', auth)
      .send({ name: '无团队', role: 'agent', wecomUserId: 'noteam1' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('USER_PLACEMENT_INVALID');
  });

  test('when a team lead (not admin) calls it, then it answers 403', async () => {
    const t = buildTestApp(db());
    const lead = await org.user('team_lead');
    const res = await t
      .http()
      .post('/api/v1/users')
      .set('authorization', `Bearer ${await t.tokenFor(lead)}`)
      .send({ name: '某人', role: 'agent', wecomUserId: 'someone1', teamId: lead.teamId });
    expect(res.status).toBe(403);
  });
});

describe('GET /api/v1/users and deactivation', () => {
  test('when an admin lists users of a team, then only that team is returned, paginated', async () => {
    const { t, auth } = await asAdmin();
    const team = await org.team();
    for (let i = 0; i < 3; i++) await org.user('agent', { team });
    const page1 = await t.http().get(`/api/v1/users?teamId=${team.id}&pageSize=2`).set('authorization', auth);
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.items).toHaveLength(2);
    const page2 = await t
      .http()
      .get(`/api/v1/users?teamId=${team.id}&pageSize=2&page=2`)
      .set('authorization', auth);
    expect(page2.body.items).toHaveLength(1);
    const tooBig = await t.http().get('/api/v1/users?pageSize=1000').set('authorization', auth);
    expect(tooBig.status).toBe(400);
  });

  test('when a user is deactivated, then their existing token stops working', async () => {
    const { t, auth } = await asAdmin();
    const agent = await org.user('agent');
    const agentToken = await t.tokenFor(agent);
    const res = await t.http().post(`/api/v1/users/${agent.id}/deactivate`).set('authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${agentToken}`);
    expect(me.status).toBe(401);
  });

  test('when the id is not an ObjectId, then it answers 400, and 404 for an unknown one', async () => {
    const { t, auth } = await asAdmin();
    expect((await t.http().get('/api/v1/users/not-an-id').set('authorization', auth)).status).toBe(400);
    expect(
      (await t.http().get('/api/v1/users/5f0000000000000000000000').set('authorization', auth)).status,
    ).toBe(404);
  });
});

describe('teams and branches', () => {
  test('when an admin creates a branch and a team, then duplicates are refused with 409', async () => {
    const { t, auth } = await asAdmin();
    const b = await t
      .http()
      .post('/api/v1/branches')
      .set('authorization', auth)
      .send({ name: '北京分公司', region: '北京' });
    expect(b.status).toBe(201);
    const team = await t
      .http()
      .post('/api/v1/teams')
      .set('authorization', auth)
      .send({ name: '朝阳一部', branchId: b.body.id });
    expect(team.status).toBe(201);
    const dup = await t
      .http()
      .post('/api/v1/teams')
      .set('authorization', auth)
      .send({ name: '朝阳一部', branchId: b.body.id });
    expect(dup.status).toBe(409);
    const list = await t.http().get(`/api/v1/teams?branchId=${b.body.id}`).set('authorization', auth);
    expect(list.body.items.map((x: { name: string }) => x.name)).toEqual(['朝阳一部']);
  });
});
