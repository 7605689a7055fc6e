import type { Config } from '#config/config';
import type { Logger } from '#core/logger';
import type { UserRepository } from '#core/user/user.repository';
import { DEMO_WECHAT, DEMO_WECOM } from '#core/wecom/demo';
import { createSimulator, type Simulator } from './simulator.js';

/**
 * Starts the simulator for `npm start` in development when WECOM_CORP_ID is unset: loopback only, on
 * WECOM_SIMULATOR_PORT, playing the demo corp. Corp members are Qibao's active users (by WeCom
 * userid), so messages to seeded agents arrive and messages to anyone else come back as invalid.
 */
export async function startDevSimulator(deps: {
  config: Pick<Config, 'port' | 'wecom'>;
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
  const url = await sim.listen(deps.config.wecom.simulator.port);
  deps.logger.info(
    { url, corpId: DEMO_WECOM.corpId },
    'WeCom simulator listening (development, WECOM_CORP_ID unset)',
  );
  return { sim, url, close: () => sim.close() };
}
