import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import { silentLogger } from '#core/logger';
import { createNotificationRepository } from '#core/notification/notification.repository';
import { createNotificationService } from '#core/notification/notification.service';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A stand-in for WeCom message/send with enable_duplicate_check: it records every request, delivers each
 * idempotency key once, and can hang on the n-th request (the moment the test kills the worker).
 */
function recorder(hangOn: number) {
  const requests: { key: string; text: string }[] = [];
  const delivered = new Map<string, number>();
  let onHang: () => void = () => undefined;
  const hung = new Promise<void>((r) => (onHang = r));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const b = JSON.parse(raw) as { key: string; text: string };
      requests.push(b);
      if (!delivered.has(b.key)) delivered.set(b.key, requests.length);
      if (requests.length === hangOn) {
        onHang(); // never answered: the worker dies waiting
        return;
      }
      res.end(`msg-${requests.length}`);
    });
  });
  return {
    requests,
    delivered,
    hung,
    async listen() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('a worker killed mid-send', () => {
  test('when the worker process is SIGKILLed while a send is in flight, then after the lease expires every message is delivered exactly once', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => `crash:${i}`);
    const now = () => new Date();
    const outboxFor = (clock: () => Date, worker: string, url: string) =>
      createNotificationService({
        repo: createNotificationRepository(db().models),
        clock,
        logger: silentLogger(),
        quietHours: { startMinute: 0, endMinute: 0 },
        customerMonthlyCap: 4,
        gate: { checkOutgoing: async () => ({ blocked: false, rules: [] }) },
        preferences: { allows: async () => true },
        workerName: worker,
        channels: {
          agentApp: {
            resendSafe: true,
            async send(m) {
              const res = await fetch(url, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ toUser: m.toUser, text: m.text, key: m.idempotencyKey }),
              });
              return { providerMsgId: await res.text() };
            },
          },
        },
      });
    const rec = recorder(4);
    const url = await rec.listen();
    const producer = outboxFor(now, 'producer', url);
    for (const [i, k] of keys.entries()) {
      await producer.enqueue({
        dedupeKey: k,
        kind: 'test',
        channel: 'agent_app',
        urgent: true,
        to: { wecomUserId: `member${i}` },
        message: { format: 'text', text: `第${i}条` },
        notBefore: new Date(Date.now() - (keys.length - i) * 1000), // dispatch order = key order
      });
    }

    const child = spawn(
      process.execPath,
      ['--conditions=qibao-source', '--import', 'tsx', 'tests/jobs/fixtures/dispatch-worker.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          TEST_MONGO_URI: inject('mongoUri'),
          TEST_DB_NAME: db().connection.db?.databaseName ?? '',
          TARGET_URL: url,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    await Promise.race([
      rec.hung,
      exited.then(() => {
        throw new Error(`worker exited before the hang:\n${out}`);
      }),
    ]);
    child.kill('SIGKILL');
    await exited;

    // What the crash left: 3 sent, 1 in flight (reached the provider, never acknowledged), 4 untouched.
    const repo = createNotificationRepository(db().models);
    const rows = await Promise.all(keys.map((k) => repo.findByDedupeKey(k)));
    expect(rows.map((r) => r?.status)).toEqual([
      'sent',
      'sent',
      'sent',
      'sending',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);

    // A surviving worker, three minutes later (the lease is two): sweep, then dispatch.
    const later = () => new Date(Date.now() + 3 * 60_000);
    const survivor = outboxFor(later, 'survivor', url);
    expect(await survivor.sweep()).toMatchObject({ requeued: 1, unknown: 0 });
    expect(await survivor.dispatchDue()).toMatchObject({ sent: 5, failed: 0 });

    // Nothing lost, nothing delivered twice: the in-flight one was resent and deduplicated by key.
    expect([...rec.delivered.keys()].sort()).toEqual([...keys].sort());
    expect(rec.requests.filter((r) => r.key === keys[3])).toHaveLength(2);
    expect(rec.requests.filter((r) => r.key !== keys[3]).length).toBe(7);
    const after = await Promise.all(keys.map((k) => repo.findByDedupeKey(k)));
    expect(after.every((r) => r?.status === 'sent')).toBe(true);
    expect(after[3]?.attempts).toBe(2);
    await rec.close();
  }, 60_000);
});
