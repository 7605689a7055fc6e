import { WechatyBuilder, type Message, type OfficialPuppetNpmName, type Wechaty } from 'wechaty';
import type * as PUPPET from 'wechaty-puppet';
import type { Logger } from '#core/logger';
import type { Bot } from '../engine.js';
import { replyText } from '../replies.js';

export interface WechatyTransportDeps {
  bot: Bot;
  logger: Logger;
  /**
   * A puppet instance (tests: wechaty-puppet-mock) or a puppet package name from WECHATY_PUPPET
   * (wechaty-puppet-service, wechaty-puppet-padlocal, …), with its token from WECHATY_PUPPET_TOKEN.
   */
  puppet: PUPPET.impls.PuppetInterface | { name: string; token: string | undefined };
  name?: string;
}

/**
 * wechaty as a bot transport: one-to-one text messages from contacts an admin bound to a Qibao user
 * (bot_bindings) go to the engine; replies go back as plain text. Group messages and our own are ignored.
 * Resolves after `start()`; `login` may come later (a QR scan, or the mock's login()).
 */
export async function startWechatyBot(
  deps: WechatyTransportDeps,
): Promise<{ wechaty: Wechaty; stop(): Promise<void> }> {
  const log = deps.logger.child({ component: 'bot.wechaty' });
  const p = deps.puppet;
  const wechaty =
    'name' in p && typeof p.name === 'string' && !('start' in p)
      ? WechatyBuilder.build({
          name: deps.name ?? 'qibao-bot',
          // Any puppet package works; wechaty's type only lists the official names.
          puppet: p.name as OfficialPuppetNpmName,
          ...(p.token ? { puppetOptions: { token: p.token } } : {}),
        })
      : WechatyBuilder.build({ name: deps.name ?? 'qibao-bot', puppet: p as PUPPET.impls.PuppetInterface });

  async function onMessage(msg: Message): Promise<void> {
    if (msg.self() || msg.room() || msg.type() !== wechaty.Message.Type.Text) return;
    const contactId = msg.talker().id;
    const replies = await deps.bot.handle({ via: 'wechaty', contactId }, msg.text());
    for (const r of replies) await msg.say(replyText(r));
  }

  wechaty.on('message', (msg) => {
    onMessage(msg).catch((err: unknown) => log.error({ err }, 'wechaty message handling failed'));
  });
  wechaty.on('login', (user) => log.info({ self: user.id }, 'wechaty logged in'));
  wechaty.on('error', (err) => log.error({ err }, 'wechaty error'));
  await wechaty.start();
  return {
    wechaty,
    async stop() {
      await wechaty.stop();
    },
  };
}
