import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp } from '#api/app';
import type { ChatArchiveDeps } from '#core/compliance/archive/archive.runtime';
import type { Database } from '#core/db/database';
import { silentLogger, type Logger } from '#core/logger';
import { createServices, type Services } from '#core/services';
import { DEMO_WECHAT, DEMO_WECOM } from '#core/wecom/demo';
import type { WecomIntegrationDeps, WecomSettings } from '#core/wecom/integration';
import { createSimulator, type Simulator } from '../../simulator/simulator.js';
import { TEST_SECRET } from '../setup/test-app.js';

/**
 * A clock the test moves. `sleep` advances it instead of waiting, so a 60 s back-off or a minute of
 * pacing takes no real time; every requested sleep is recorded.
 */
export function fakeTime(start = Date.parse('2026-11-20T02:00:00Z')) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance(ms: number) {
      now += ms;
    },
    sleeps,
    elapsedMs: () => now - start,
  };
}
export type FakeTime = ReturnType<typeof fakeTime>;

export interface Harness {
  sim: Simulator;
  services: Services;
  /** supertest against the listening API server (real HTTP). */
  http: () => ReturnType<typeof request>;
  apiUrl: string;
  close(): Promise<void>;
}

/**
 * The real app on a real port, wired to a simulator on another real port, both on `time`'s clock.
 * `settings` overrides the demo credentials (e.g. the official vectors' token/key/corp id).
 */
export async function startHarness(
  db: Database,
  opts: {
    time?: FakeTime;
    settings?: Partial<WecomSettings>;
    tokenTtlSeconds?: number;
    logger?: Logger;
    timing?: WecomIntegrationDeps['timing'];
    contactPorts?: WecomIntegrationDeps['contactPorts'];
    members?: string[];
    startDispatcher?: boolean;
    chatArchive?: ChatArchiveDeps;
  } = {},
): Promise<Harness> {
  const time = opts.time;
  const clock = time?.clock ?? (() => new Date());
  const sim = createSimulator({
    wecom: { ...DEMO_WECOM },
    wechat: { ...DEMO_WECHAT },
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200,
    clock,
  });
  sim.addMember(...(opts.members ?? []));
  const simUrl = await sim.listen(0);
  const settings: WecomSettings = {
    ...DEMO_WECOM,
    apiBase: simUrl,
    callbackMaxSkewSeconds: 300,
    wechat: { ...DEMO_WECHAT, apiBase: simUrl },
    simulated: true,
    ...opts.settings,
  };
  const logger = opts.logger ?? silentLogger();
  const services = createServices({
    db,
    secret: TEST_SECRET,
    sessionTtlSeconds: 3600,
    clock,
    logger,
    wecom: {
      settings,
      ...(time ? { sleep: time.sleep } : {}),
      timing: { tokenPollMs: 5, ...opts.timing },
      ...(opts.contactPorts ? { contactPorts: opts.contactPorts } : {}),
    },
    chatArchive: opts.chatArchive,
  });
  const app = createApp({
    config: { env: 'development', bodyLimitBytes: 256 * 1024 },
    logger,
    db,
    services,
    clock,
  });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.setCallbackUrl(`${apiUrl}/wecom/callback`);
  if (opts.startDispatcher !== false) services.wecom.dispatcher.start();
  return {
    sim,
    services,
    http: () => request(apiUrl),
    apiUrl,
    async close() {
      await services.wecom.dispatcher.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    },
  };
}
