import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openDatabase } from '#core/db/database';
import { startEmbeddedDatabase } from '#core/db/embedded';
import { silentLogger } from '#core/logger';
import { useTestDatabase } from '../setup/test-db.js';
import { buildTestApp } from '../setup/test-app.js';

const db = useTestDatabase();

describe('health', () => {
  test('when the database answers, then /healthz and /readyz are ok', async () => {
    const t = buildTestApp(db());
    expect((await t.http().get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.http().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', db: 'ok' });
  });

  test('when the database server is stopped, then /readyz answers 503 with the reason and /healthz stays up', async () => {
    // A server of its own, so stopping it does not disturb the other test files.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qibao-readyz-'));
    const server = await startEmbeddedDatabase({ dataDir, logger: silentLogger() });
    const own = await openDatabase({ uri: server.uri, dbName: 'readyz', logger: silentLogger() });
    try {
      const t = buildTestApp(own);
      expect((await t.http().get('/readyz')).status).toBe(200);
      await server.stop();
      const res = await t.http().get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('unavailable');
      expect(res.body.db).toEqual(expect.any(String));
      expect((await t.http().get('/healthz')).status).toBe(200);
    } finally {
      await own.close().catch(() => undefined);
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('the OpenAPI document lists every route with request schemas from the validators', async () => {
    const res = await buildTestApp(db()).http().get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const userPost = res.body.paths['/api/v1/users'].post;
    expect(userPost.requestBody.content['application/json'].schema.properties).toHaveProperty('wecomUserId');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/readyz', '/api/v1/me', '/api/v1/auth/dev-login']),
    );
  });
});
