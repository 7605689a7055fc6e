import { describe, expect, test } from 'vitest';
import { useTestDatabase } from '../setup/test-db.js';
import { buildTestApp } from '../setup/test-app.js';
import { orgFactory } from '../factories/org.js';

const db = useTestDatabase();
const org = orgFactory(db);

describe('POST /api/v1/auth/dev-login', () => {
  test('when a user logs in by WeCom userid in development, then /me answers with role and scope', async () => {
    const t = buildTestApp(db());
    const agent = await org.user('agent');
    const login = await t.http().post('/api/v1/auth/dev-login').send({ userId: agent.wecomUserId });
    expect(login.status).toBe(200);
    expect(login.body.token).toMatch(/^q1\./);
    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${login.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { id: agent.id },
      role: 'agent',
      scope: { level: 'own', userId: agent.id },
    });
  });

  test('when a team lead logs in by id, then the scope is the team', async () => {
    const t = buildTestApp(db());
    const lead = await org.user('team_lead');
    const login = await t.http().post('/api/v1/auth/dev-login').send({ userId: lead.id });
    expect(login.body.scope).toEqual({ level: 'team', teamId: lead.teamId });
  });

  test('when the app runs in production, then dev-login does not exist (404)', async () => {
    const agent = await org.user('agent');
    const res = await buildTestApp(db(), { env: 'production' })
      .http()
      .post('/api/v1/auth/dev-login')
      .send({ userId: agent.id });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
    const doc = await buildTestApp(db(), { env: 'production' }).http().get('/api/v1/openapi.json');
    expect(doc.body.paths['/api/v1/auth/dev-login']).toBeUndefined();
  });

  test('when the user is unknown or inactive, then it answers 401 the same way', async () => {
    const t = buildTestApp(db());
    const inactive = await org.user('agent', {}, { active: false });
    const a = await t.http().post('/api/v1/auth/dev-login').send({ userId: inactive.id });
    const b = await t.http().post('/api/v1/auth/dev-login').send({ userId: 'nobody-here' });
    expect([a.status, b.status]).toEqual([401, 401]);
    expect(a.body).toEqual(b.body);
  });
});

describe('GET /api/v1/me', () => {
  test('when no token is sent, then it answers 401 UNAUTHENTICATED', async () => {
    const res = await buildTestApp(db()).http().get('/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  test('when the token payload is tampered (role raised to admin), then it answers 401', async () => {
    const t = buildTestApp(db());
    const agent = await org.user('agent');
    const token = await t.tokenFor(agent);
    const [prefix, payload, sig] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.role = 'admin';
    claims.scope = { level: 'all' };
    const forged = `${prefix}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    const res = await t.http().get('/api/v1/me').set('authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_INVALID');
  });

  test('when the signature is altered or the token is garbage, then it answers 401', async () => {
    const t = buildTestApp(db());
    const token = await t.tokenFor(await org.user('agent'));
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (const bad of [flipped, 'q1.abc', 'not-a-token', `${token}.extra`]) {
      const res = await t.http().get('/api/v1/me').set('authorization', `Bearer ${bad}`);
      expect(res.status, bad).toBe(401);
    }
  });

  test('when the token has expired, then it answers 401 TOKEN_EXPIRED', async () => {
    let now = new Date('2026-11-22T08:00:00Z');
    const t = buildTestApp(db(), { clock: () => now });
    const token = await t.tokenFor(await org.user('agent'));
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(200);
    now = new Date(now.getTime() + 3601_000);
    const res = await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_EXPIRED');
  });

  test('when a token was signed with another secret, then it answers 401', async () => {
    const { createTokenService } = await import('#core/auth/token');
    const agent = await org.user('agent');
    const other = createTokenService({
      secret: 'another-secret-another-secret-another',
      ttlSeconds: 60,
      clock: () => new Date(),
    });
    const { token } = other.issue({
      kind: 'staff',
      userId: agent.id,
      role: 'agent',
      scope: { level: 'own', userId: agent.id },
    });
    const res = await buildTestApp(db()).http().get('/api/v1/me').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
  });
});
