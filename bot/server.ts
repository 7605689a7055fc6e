import type { Config } from '#config/config';
import type { Database } from '#core/db/database';
import type { Logger } from '#core/logger';
import type { Services } from '#core/services';
import { createBot } from './engine.js';
import { registerWecomBot } from './transports/wecom.js';

/**
 * The `bot` component of main.ts: the engine subscribed to WeCom callbacks (when WeCom or its simulator
 * is configured) and, with WECHATY_PUPPET set, a wechaty transport. Returns the stop function.
 */
export async function startBotComponent(deps: {
  config: Pick<Config, 'bot'>;
  logger: Logger;
  db: Database;
  services: Services;
  clock: () => Date;
}): Promise<() => Promise<void>> {
  const logger = deps.logger.child({ component: 'bot' });
  const bot = createBot({ services: deps.services, db: deps.db, clock: deps.clock, logger });
  await bot.ready();
  if (deps.services.wecom.settings) {
    registerWecomBot({
      bot,
      wecom: deps.services.wecom,
      logger,
      passiveBudgetMs: deps.config.bot.passiveReplyMs,
    });
  } else {
    logger.warn('WeCom is not configured: the bot answers no WeCom messages');
  }
  // wechaty (and its gRPC stack) is imported only when a puppet is configured.
  const wechaty = deps.config.bot.wechaty
    ? await (
        await import('./transports/wechaty.js')
      ).startWechatyBot({
        bot,
        logger,
        puppet: { name: deps.config.bot.wechaty.puppet, token: deps.config.bot.wechaty.token },
      })
    : undefined;
  return async () => {
    await wechaty?.stop();
  };
}
