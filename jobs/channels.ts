import type { SubscribeTemplates } from '#config/config';
import type { Logger } from '#core/logger';
import { ChannelError, type NotificationChannels } from '#core/notification/channels';
import { markdownMessage, textMessage } from '#core/wecom/builders';
import type { WechatClient } from '#core/wecom/wechat.client';
import type { WecomClient } from '#core/wecom/wecom.client';

// WeCom drops a resend of the same content to the same member within this window
// (message/send enable_duplicate_check, at most 4 h). It is far longer than the outbox lease, so a
// message resent after a worker died mid-send reaches the member once.
const DUPLICATE_CHECK_SECONDS = 4 * 3600;

/**
 * The outbox's transports over the WeCom/WeChat clients (core/wecom; the simulator in development).
 * A channel whose client is not configured is absent, and its notifications stay pending.
 */
export function createChannels(deps: {
  wecom: WecomClient | undefined;
  wechat: WechatClient | undefined;
  templates: SubscribeTemplates;
  logger: Logger;
}): NotificationChannels {
  const { wecom, wechat, templates } = deps;
  if (!wecom) deps.logger.warn('WeCom is not configured: app and customer messages stay pending');
  if (!wechat) deps.logger.warn('the WeChat mini-program is not configured: subscribe messages stay pending');
  return {
    ...(wecom
      ? {
          agentApp: {
            resendSafe: true,
            async send(m) {
              const body = m.format === 'markdown' ? markdownMessage(m.text) : textMessage(m.text);
              const res = await wecom.sendMessage({ toUser: [m.toUser] }, body, {
                enableDuplicateCheck: true,
                duplicateCheckIntervalS: DUPLICATE_CHECK_SECONDS,
              });
              if (res.invalidUser.includes(m.toUser.toLowerCase())) {
                throw new ChannelError('no_binding', `WeCom refused member ${m.toUser}`);
              }
              return { providerMsgId: res.msgId };
            },
          },
          customerWecom: {
            // add_msg_template has no idempotency: a resend after a crash could create a second task.
            resendSafe: false,
            async prepare(m) {
              const res = await wecom.addMsgTemplate({
                chat_type: 'single',
                external_userid: [m.externalUserId],
                sender: m.senderWecomUserId,
                text: { content: m.text },
              });
              const failed = Array.isArray(res.fail_list) ? (res.fail_list as unknown[]).map(String) : [];
              if (failed.includes(m.externalUserId)) {
                throw new ChannelError(
                  'no_binding',
                  'the member has no external-contact relationship with the customer',
                );
              }
              return { providerMsgId: typeof res.msgid === 'string' ? res.msgid : undefined };
            },
            async remind(msgId) {
              await wecom.remindGroupmsgSend(msgId);
            },
            async sendResult(q) {
              // Paged (≤ 1000 a page); one agent's part of a single-customer task is one short page.
              let cursor = '';
              do {
                const res = await wecom.getGroupmsgSendResult({
                  msgId: q.msgId,
                  userId: q.senderWecomUserId,
                  limit: 1000,
                  cursor,
                });
                const list = Array.isArray(res.send_list) ? (res.send_list as unknown[]) : [];
                for (const item of list) {
                  if (typeof item !== 'object' || item === null) continue;
                  const line = item as { external_userid?: unknown; status?: unknown; send_time?: unknown };
                  if (line.external_userid !== q.externalUserId) continue;
                  switch (line.status) {
                    case 1:
                      return {
                        state: 'sent',
                        deliveredAt:
                          typeof line.send_time === 'number' ? new Date(line.send_time * 1000) : undefined,
                      };
                    case 2:
                      return { state: 'not_friend' };
                    case 3:
                      return { state: 'customer_limit' };
                    default:
                      return { state: 'awaiting' };
                  }
                }
                cursor = typeof res.next_cursor === 'string' ? res.next_cursor : '';
              } while (cursor);
              return { state: 'awaiting' };
            },
          },
        }
      : {}),
    ...(wechat
      ? {
          subscribe: {
            // One-time subscriptions are consumed by a send; a blind resend would fail or duplicate.
            resendSafe: false,
            async send(m) {
              const template = templates[m.templateId];
              if (!template)
                throw new ChannelError('permanent', `no subscribe template configured for ${m.templateId}`);
              const data: Record<string, string> = {};
              for (const [field, key] of Object.entries(template.keys)) {
                const v = m.data[field]?.value;
                if (v) data[key] = v;
              }
              await wechat.sendSubscribeMessage({
                toOpenId: m.openid,
                templateId: template.id,
                ...(m.page ? { page: m.page } : {}),
                data,
              });
              return {};
            },
          },
        }
      : {}),
  };
}
