import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '#config/config';
import type { Logger } from '#core/logger';
import type { UserRepository } from '#core/user/user.repository';
import { DEMO_WECHAT, DEMO_WECOM } from '#core/wecom/demo';
import { createSimulator, type Simulator } from './simulator.js';

const ADDRESS_FILE = 'wecom-simulator.json';

/** Where a running Qibao's simulator listens (written to the data dir at start, removed at stop). */
export function readSimulatorAddress(dataDir: string): { url: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dataDir, ADDRESS_FILE), 'utf8')) as { url?: unknown };
    return typeof parsed.url === 'string' ? { url: parsed.url } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the simulator for `npm start` in development when WECOM_CORP_ID is unset: loopback only, on
 * WECOM_SIMULATOR_PORT, playing the demo corp. Corp members are Qibao's active users (by WeCom
 * userid), so messages to seeded agents arrive and messages to anyone else come back as invalid.
 * If the port is taken (another Qibao on this machine), it takes a free one; either way the address
 * is written to the data dir, where `npm run simulate` looks first.
 */
export async function startDevSimulator(deps: {
  config: Pick<Config, 'port' | 'wecom' | 'dataDir'>;
  logger: Logger;
  users: Pick<UserRepository, 'findUserByWecomId'>;
}): Promise<{ sim: Simulator; url: string; close(): Promise<void> }> {
  const sim = createSimulator({
    wecom: { ...DEMO_WECOM },
    wechat: { ...DEMO_WECHAT },
    tokenTtlSeconds: deps.config.wecom.simulator.tokenTtlSeconds,
    isMember: async (id) => Boolean((await deps.users.findUserByWecomId(id))?.active),
    // Where this process's API listens; the simulator plays WeCom and posts callbacks there.
    callbackUrl: `http://127.0.0.1:${deps.config.port}/wecom/callback`,
  });
  const wanted = deps.config.wecom.simulator.port;
  let url: string;
  try {
    url = await sim.listen(wanted);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EADDRINUSE') throw err;
    url = await sim.listen(0);
    deps.logger.warn(
      { wanted, url },
      'WECOM_SIMULATOR_PORT is taken; the simulator uses a free port instead',
    );
  }
  const addressFile = path.join(deps.config.dataDir, ADDRESS_FILE);
  mkdirSync(deps.config.dataDir, { recursive: true });
  writeFileSync(addressFile, JSON.stringify({ url, pid: process.pid }));
  deps.logger.info(
    { url, corpId: DEMO_WECOM.corpId },
    'WeCom simulator listening (development, WECOM_CORP_ID unset)',
  );
  return {
    sim,
    url,
    async close() {
      rmSync(addressFile, { force: true });
      await sim.close();
    },
  };
}
