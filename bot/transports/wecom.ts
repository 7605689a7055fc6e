import type { Logger } from '#core/logger';
import { dedupeKeyOf } from '#core/wecom/callback-messages';
import {
  buttonInteractionCard,
  cutChars,
  markdownMessage,
  textMessage,
  type AppMessageBody,
} from '#core/wecom/builders';
import type { WecomIntegration } from '#core/wecom/integration';
import type { Bot } from '../engine.js';
import { text } from '../replies.js';
import type { BotReply } from '../types.js';

/** What the bot sends over message/send for one reply. */
export function wecomBody(r: BotReply): AppMessageBody {
  switch (r.kind) {
    case 'text':
      return textMessage(r.text);
    case 'markdown':
      return markdownMessage(r.text);
    case 'card':
      return buttonInteractionCard({
        main_title: { title: cutChars(r.title, 36), desc: r.desc },
        sub_title_text: cutChars(r.text.split('\n').slice(2, 5).join(' '), 160),
        horizontal_content_list: r.rows.slice(0, 6).map((row) => ({ keyname: row.key, value: row.value })),
        task_id: r.taskId,
        button_list: r.buttons.map((b, i) => ({ text: b.text, key: b.key, type: 0, style: i === 0 ? 1 : 2 })),
      });
  }
}

const INTERRUPTED = text(
  '上一条消息的处理被中断了，可能已经部分完成。请先发「待办」或「查 客户」核对，再决定是否重发。',
);

/**
 * The WeCom app as a bot transport: text messages and card clicks arrive through the callback registry
 * (stored before the ack, so nothing is lost); a single text reply ready within the route's budget goes
 * back as the passive reply, everything else (cards, several replies, late replies) by message/send.
 * Each inbound message runs once (turn key = MsgId / card response code) even when WeCom retries or the
 * dispatcher reruns a handler.
 */
export function registerWecomBot(deps: {
  bot: Bot;
  wecom: WecomIntegration;
  logger: Logger;
  /** How long the callback request waits for a passive reply (WeCom gives 5 s). */
  passiveBudgetMs: number;
}): void {
  const { bot, wecom } = deps;
  const log = deps.logger.child({ component: 'bot.wecom' });

  async function deliver(toUser: string, key: string, replies: BotReply[]): Promise<void> {
    const [first, ...rest] = replies;
    if (first?.kind === 'text' && rest.length === 0 && wecom.passiveReplies.offer(key, first.text)) return;
    wecom.passiveReplies.release(key);
    const client = wecom.requireClient();
    for (const r of replies) {
      // Duplicate check: a rerun after a crash between send and the handler's done-mark sends nothing new.
      await client.sendMessage({ toUser: [toUser] }, wecomBody(r), { enableDuplicateCheck: true });
    }
  }

  if (deps.passiveBudgetMs > 0) wecom.passiveReplies.enable(deps.passiveBudgetMs, (m) => m.kind === 'text');

  wecom.registry.onMessage('text', 'bot.text', async (m, ctx) => {
    const key = dedupeKeyOf(m);
    const who = { via: 'wecom' as const, wecomUserId: m.fromUserName };
    const turn = await bot.turns.run(`wecom:${key}`, m.fromUserName, () => bot.handle(who, m.content));
    if (turn.repeated) ctx.log.info({ interrupted: turn.interrupted }, 'bot turn repeated; not acting again');
    await deliver(m.fromUserName, key, turn.interrupted ? [INTERRUPTED] : turn.replies);
  });

  wecom.registry.onEvent('template_card_event', 'bot.card', async (e) => {
    if (!e.eventKey.startsWith('qb:')) return;
    const key = dedupeKeyOf(e);
    const who = { via: 'wecom' as const, wecomUserId: e.fromUserName };
    const turn = await bot.turns.run(`wecom:${key}`, e.fromUserName, () =>
      bot.handleCardClick(who, e.eventKey),
    );
    await deliver(e.fromUserName, key, turn.interrupted ? [INTERRUPTED] : turn.replies);
  });

  log.info(
    { passiveBudgetMs: deps.passiveBudgetMs },
    'bot subscribed to WeCom text messages and card clicks',
  );
}
