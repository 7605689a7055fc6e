// Child processes of a bench run: the API under test, the bare Koa reference, the load generator and the
// existing bench scripts. Every child is stopped by pid in a finally (never by name).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_TS = ['--conditions=qibao-source', '--import', 'tsx'];

/** A free loopback port (bound then released; the caller binds it right away). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  stop(): Promise<void>;
}

function stopper(proc: ChildProcess): () => Promise<void> {
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

/**
 * Starts `main.ts api` against `mongoUri` on a free port (development env: dev-login and the WeCom
 * simulator's demo credentials for signed callbacks). Resolves when /readyz answers.
 */
export async function startApi(opts: {
  mongoUri: string;
  dbName: string;
  env: NodeJS.ProcessEnv;
}): Promise<Child & { port: number; url: string }> {
  const port = await freePort();
  const simulatorPort = await freePort();
  const proc = spawn(process.execPath, [...NODE_TS, 'main.ts', 'api'], {
    cwd: ROOT,
    env: {
      ...opts.env,
      QIBAO_ENV: 'development',
      MONGODB_URI: opts.mongoUri,
      MONGODB_DB_NAME: opts.dbName,
      PORT: String(port),
      HOST: '127.0.0.1',
      WECOM_SIMULATOR_PORT: String(simulatorPort),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const child = { proc, stop: stopper(proc), port, url: `http://127.0.0.1:${port}` };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`API exited with ${proc.exitCode}:\n${stderr}`);
    try {
      const res = await fetch(`${child.url}/readyz`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await child.stop();
  throw new Error(`API did not answer /readyz within 120 s:\n${stderr}`);
}

/** Starts the bare Koa hello server (bench/http/hello-server.ts). */
export async function startHello(): Promise<Child & { url: string }> {
  const proc = spawn(process.execPath, [...NODE_TS, 'bench/http/hello-server.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    if (!proc.stdout) return reject(new Error('hello server has no stdout'));
    const rl = createInterface({ input: proc.stdout });
    rl.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`hello server exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  return { proc, stop: stopper(proc), url: `http://127.0.0.1:${port}` };
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
}

/** Runs bench/http/load.ts (autocannon) in its own process and returns its figures. */
export async function runLoad(spec: {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  maxRequests: number;
}): Promise<LoadResult> {
  const out = await runNode(['bench/http/load.ts', JSON.stringify(spec)], {
    timeoutMs: (spec.seconds + 90) * 1000,
  });
  const last = out.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as LoadResult;
}

/**
 * Runs a TypeScript script with the project's loader and collects its output; killed (by pid) after
 * `timeoutMs`. Output is kept in memory (the scripts print a few lines).
 */
export async function runNode(
  args: string[],
  opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; echo?: boolean },
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  const proc = spawn(process.execPath, [...NODE_TS, ...args], {
    cwd: ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (opts.echo) process.stdout.write(d);
  });
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (opts.echo) process.stderr.write(d);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, opts.timeoutMs);
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr, timedOut };
}
