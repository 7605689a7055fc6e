import { describe, expect, test } from 'vitest';
import { useTestDatabase } from '../setup/test-db.js';
import { buildTestApp } from '../setup/test-app.js';
import { orgFactory } from '../factories/org.js';

const db = useTestDatabase();
const org = orgFactory(db);

function expectEnvelope(body: unknown, code: string) {
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/at .*\.(ts|js):\d+/); // no stack frames
  expect(text).not.toMatch(/node_modules|\/work\//);
}

describe('error envelope', () => {
  test('when the route does not exist, then it answers 404 with the envelope in Chinese', async () => {
    const res = await buildTestApp(db()).http().get('/api/v1/nope');
    expect(res.status).toBe(404);
    expectEnvelope(res.body, 'ROUTE_NOT_FOUND');
    expect(res.body.error.message).toBe('请求的接口不存在');
    expect(res.headers['x-request-id']).toMatch(/.{8,}/);
  });

  test('when the JSON is malformed, then it answers 400 INVALID_JSON', async () => {
    const res = await buildTestApp(db())
      .http()
      .post('/api/v1/auth/dev-login')
      .set('content-type', 'application/json')
      .send('{"userId": ');
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'INVALID_JSON');
  });

  test('when the body is over the limit, then it answers 413', async () => {
    const res = await buildTestApp(db(), { bodyLimitBytes: 1024 })
      .http()
      .post('/api/v1/auth/dev-login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ userId: 'x'.repeat(5000) }));
    expect(res.status).toBe(413);
    expectEnvelope(res.body, 'PAYLOAD_TOO_LARGE');
  });

  test('when the body is not JSON, then it answers 415', async () => {
    const res = await buildTestApp(db())
      .http()
      .post('/api/v1/auth/dev-login')
      .type('text/plain')
      .send('userId=1');
    expect(res.status).toBe(415);
    expectEnvelope(res.body, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when a body has unknown fields, then it answers 400 with field-level Chinese details', async () => {
    const res = await buildTestApp(db())
      .http()
      .post('/api/v1/auth/dev-login')
      .send({ userId: 'a', admin: true });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: '(body)', message: expect.stringContaining('admin') }]);
  });

  test('when something unexpected throws, then it answers 500 with a generic message and logs the detail', async () => {
    const lines: string[] = [];
    const { pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    const t = buildTestApp(db(), { logger });
    const admin = await org.user('admin');
    const token = await t.tokenFor(admin);
    t.services.users.listUsers = () => {
      throw new TypeError('boom: secret internal detail');
    };
    const res = await t.http().get('/api/v1/users').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(500);
    expectEnvelope(res.body, 'INTERNAL');
    expect(res.body.error.message).toBe('服务器内部错误，请稍后再试');
    expect(JSON.stringify(res.body)).not.toContain('boom');
    expect(lines.join('\n')).toContain('boom: secret internal detail');
    expect(lines.join('\n')).not.toContain(token);
  });
});
