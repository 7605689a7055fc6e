import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { EmbeddedDatabaseError, ensureEmbeddedBinary, findProjectRoot } from '#core/db/embedded';

// These tests run Qibao the way a newcomer does: `node … main.ts` as its own process.
const root = findProjectRoot();
const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(prefix: string) {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

function runScript(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): Running & { port: number } {
  const child = spawn(process.execPath, ['--conditions=qibao-source', '--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', QIBAO_COMPONENTS: 'api', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, port: Number(env.PORT ?? 0), output: () => out, exited };
}

async function waitReady(r: Running, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (r.child.exitCode !== null) throw new Error(`process exited early:\n${r.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${r.port}/readyz`);
      if (res.status === 200) return (await res.json()) as unknown;
    } catch {
      // not listening yet
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${r.output()}`);
}

/** The embedded database processes that `pid` started (by /proc, no ps needed). */
function embeddedChildren(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('qibao-embedded-db');
      } catch {
        return false;
      }
    })
    .map(Number);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
      .once('error', () => resolve(false))
      .listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

async function api(port: number, method: string, url: string, body?: unknown, token?: string) {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Qibao as a process on the embedded database', () => {
  test('a user created through the admin API survives a restart; SIGTERM and SIGKILL leave nothing behind', async () => {
    const dataDir = tempDir('qibao-proc-');
    const env = { QIBAO_DATA_DIR: dataDir, PORT: String(await freePort()) };

    const seed = runScript('scripts/seed.ts', env);
    expect(await seed.exited, seed.output()).toBe(0);

    // First run: create a user, then SIGTERM.
    const first = runScript('main.ts', env);
    expect(await waitReady(first)).toEqual({ status: 'ok', db: 'ok' });
    const [dbPid] = embeddedChildren(first.child.pid!);
    expect(dbPid).toBeDefined();
    const login = await api(first.port, 'POST', '/api/v1/auth/dev-login', { userId: 'admin' });
    const token = login.body.token as string;
    const teams = await api(first.port, 'GET', '/api/v1/teams', undefined, token);
    const teamId = (teams.body.items as { id: string }[])[0]!.id;
    const created = await api(
      first.port,
      'POST',
      '/api/v1/users',
      { name: '新同事', role: 'agent', wecomUserId: 'newcomer', teamId },
      token,
    );
    expect(created.status).toBe(201);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(await waitGone(dbPid!, 5000)).toBe(true);
    expect(await portFree(first.port)).toBe(true);

    // Second run, same data dir: the user is still there (and the dev secret too: the old token works).
    const second = runScript('main.ts', env);
    await waitReady(second);
    expect(second.output()).not.toContain('building the embedded database');
    const again = await api(
      second.port,
      'GET',
      `/api/v1/users/${created.body.id as string}`,
      undefined,
      token,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ name: '新同事', wecomUserId: 'newcomer' });

    // SIGKILL: the embedded database notices by itself and exits within 5 s.
    const [dbPid2] = embeddedChildren(second.child.pid!);
    second.child.kill('SIGKILL');
    await second.exited;
    expect(await waitGone(dbPid2!, 5000)).toBe(true);
    expect(await portFree(second.port)).toBe(true);
  });

  test('when MONGODB_URI is set, then nothing is built or started, even without Go on PATH', async () => {
    const dataDir = tempDir('qibao-uri-');
    const env = {
      QIBAO_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB_NAME: 'qibao_uri_check',
      PATH: path.dirname(process.execPath),
    };
    const run = runScript('main.ts', env);
    try {
      await waitReady(run);
      expect(embeddedChildren(run.child.pid!)).toEqual([]);
      expect(existsSync(path.join(dataDir, 'db'))).toBe(false);
      expect(run.output()).not.toContain('building the embedded database');
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});

describe('ensureEmbeddedBinary', () => {
  test('when Go is missing and the binary is not built, then the error says to install Go or set MONGODB_URI', () => {
    // A copy of the sources with a changed file, so its cache key has no binary yet.
    const fakeRoot = tempDir('qibao-nogo-');
    cpSync(path.join(root, 'embedded-db'), path.join(fakeRoot, 'embedded-db'), { recursive: true });
    writeFileSync(path.join(fakeRoot, 'embedded-db', 'extra.go'), 'package main\n');
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => ensureEmbeddedBinary({ root: fakeRoot, onProgress: () => undefined })).toThrow(
        EmbeddedDatabaseError,
      );
      expect(() => ensureEmbeddedBinary({ root: fakeRoot, onProgress: () => undefined })).toThrow(
        /Install Go .* or set MONGODB_URI/,
      );
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
