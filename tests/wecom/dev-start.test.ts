import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { findProjectRoot } from '#core/db/embedded';
import { uniqueDbName } from '../setup/test-db.js';

// `npm start` and `npm run simulate` as a newcomer runs them: separate processes, real ports.
const root = findProjectRoot();
const dataDir = mkdtempSync(path.join(tmpdir(), 'qibao-wecom-dev-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function run(script: string, args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ['--conditions=qibao-source', '--import', 'tsx', script, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

describe('npm start in development without WECOM_CORP_ID', () => {
  test('when started, then the simulator comes up and `simulate say` produces a callback the app accepts, logs and shows', async () => {
    const [port, simPort] = [await freePort(), await freePort()];
    const env: Record<string, string | undefined> = {
      ...process.env,
      QIBAO_ENV: 'development',
      QIBAO_COMPONENTS: 'api,bot', // the bot's process handles stored callbacks
      QIBAO_DATA_DIR: dataDir,
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB_NAME: uniqueDbName(),
      PORT: String(port),
      WECOM_SIMULATOR_PORT: String(simPort),
      LOG_LEVEL: 'info',
      WECOM_CORP_ID: undefined,
    };
    const app = run('main.ts', [], env);
    try {
      // Generous: on a loaded 2-core box starting api + bot under tsx can take a while.
      const until = Date.now() + 75_000;
      while (!app.output().includes('Qibao started')) {
        if (Date.now() > until || app.child.exitCode !== null)
          throw new Error(`not started:\n${app.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(app.output()).toContain(`"url":"http://127.0.0.1:${simPort}"`);
      // What `npm run simulate` reads to find it.
      expect(JSON.parse(readFileSync(path.join(dataDir, 'wecom-simulator.json'), 'utf8'))).toMatchObject({
        url: `http://127.0.0.1:${simPort}`,
      });

      const verify = run('scripts/simulate.ts', ['verify'], env);
      expect(await verify.exited).toBe(0);
      expect(verify.output()).toContain('echo matches');

      const say = run('scripts/simulate.ts', ['say', 'zhangwei', '你好'], env);
      expect(await say.exited).toBe(0);
      expect(say.output()).toMatch(/POST \/wecom\/callback → HTTP 200/);
      expect(app.output()).toContain('WeCom callback stored');

      // Handling runs after the ack; give the dispatcher a moment to mark it done.
      let items: { member: string; text: string; note: string }[] = [];
      for (let i = 0; i < 40 && items[0]?.note !== 'done'; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/dev/simulator/timeline`);
        items = ((await res.json()) as { items: typeof items }).items;
        if (items[0]?.note !== 'done') await new Promise((r) => setTimeout(r, 50));
      }
      expect(items).toEqual([expect.objectContaining({ member: 'zhangwei', text: '你好', note: 'done' })]);
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
  }, 150_000);
});

describe('startDevSimulator', () => {
  test('when WECOM_SIMULATOR_PORT is taken by another Qibao, then it uses a free port and records it for npm run simulate', async () => {
    const { startDevSimulator, readSimulatorAddress } = await import('../../simulator/dev.js');
    const { silentLogger } = await import('#core/logger');
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const takenPort = (busy.address() as { port: number }).port;
    const dir = mkdtempSync(path.join(tmpdir(), 'qibao-wecom-sim-'));
    try {
      const started = await startDevSimulator({
        config: {
          port: 1,
          dataDir: dir,
          wecom: {
            configured: false,
            corpId: undefined,
            agentId: undefined,
            agentSecret: undefined,
            token: undefined,
            encodingAesKey: undefined,
            apiBase: 'https://qyapi.weixin.qq.com',
            callbackMaxSkewSeconds: 300,
            simulator: { port: takenPort, tokenTtlSeconds: 7200 },
          },
        },
        logger: silentLogger(),
        users: { findUserByWecomId: async () => undefined },
      });
      expect(started.url).not.toBe(`http://127.0.0.1:${takenPort}`);
      expect(readSimulatorAddress(dir)).toEqual({ url: started.url });
      await started.close();
      expect(readSimulatorAddress(dir)).toBeUndefined();
    } finally {
      busy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
