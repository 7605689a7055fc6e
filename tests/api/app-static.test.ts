import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import request from 'supertest';
import { afterAll, describe, expect, test } from 'vitest';
import type { AppState } from '#api/context';
import { appRouter } from '#api/routes/app';

// A fake H5 build: what `npm run build:h5` writes to miniprogram/dist/h5.
const dir = mkdtempSync(path.join(tmpdir(), 'qibao-h5-'));
mkdirSync(path.join(dir, 'js'));
writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
writeFileSync(path.join(dir, 'js', 'app.1234abcd.js'), 'console.log(1)');
writeFileSync(path.join(tmpdir(), 'qibao-h5-secret.txt'), 'outside');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(env: 'development' | 'production', buildDir = dir) {
  const app = new Koa<AppState>();
  const router = appRouter({ config: { env, bodyLimitBytes: 1024 } }, { dir: buildDir });
  app.use(router.routes());
  return request(app.callback());
}

describe('GET /app (the H5 build of the mini-program)', () => {
  test('when /app is asked for, then it redirects to /app/ so relative assets resolve', async () => {
    const res = await serve('development').get('/app');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/app/');
  });

  test('when /app/ is asked for, then index.html is served and must be revalidated', async () => {
    const res = await serve('development').get('/app/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain('<div id="app">');
  });

  test('when a hashed bundle is asked for, then it is served as JavaScript, cached for good', async () => {
    const res = await serve('development').get('/app/js/app.1234abcd.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.text).toBe('console.log(1)');
  });

  test('when a path escapes the build folder, then nothing outside it is served', async () => {
    for (const url of ['/app/../qibao-h5-secret.txt', '/app/%2e%2e/qibao-h5-secret.txt']) {
      const res = await serve('development').get(url);
      expect(res.status, url).toBe(404);
      expect(res.text, url).not.toContain('outside');
    }
  });

  test('when the H5 build does not exist yet, then /app/ says in Chinese how to build it', async () => {
    const res = await serve('development', path.join(dir, 'missing')).get('/app/');
    expect(res.status).toBe(404);
    expect(res.text).toContain('npm run build:h5');
  });

  test('when running in production, then /app is not served', async () => {
    expect((await serve('production').get('/app/')).status).toBe(404);
  });
});
