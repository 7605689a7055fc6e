import type { Logger } from '../logger.js';
import type { GroupSendResult, NotificationChannels } from './channels.js';
import type { GroupSendState } from './notification.model.js';
import type { NotificationRecord, NotificationRepository } from './notification.repository.js';
import type { NotificationService } from './notification.service.js';
import { shanghaiMonthOf } from './shanghai-time.js';

const HOUR_MS = 3600_000;
// remind_groupmsg_send: at most 3 reminders per task within 24 h (path/92135, path/97610).
export const REMINDS_PER_WINDOW = 3;
const REMIND_WINDOW_MS = 24 * HOUR_MS;
const BATCH = 200;

export interface GroupSendFollowUpDeps {
  repo: NotificationRepository;
  outbox: Pick<NotificationService, 'enqueue'>;
  channels: NotificationChannels;
  settings: {
    /** Hours after add_msg_template at which the agent is nudged while they have not sent it. */
    groupMsgRemindHours: number[];
    /** Days after which an unconfirmed message is recorded as not sent and no longer watched. */
    groupMsgFollowUpDays: number;
    customerMonthlyCap: number;
  };
  clock: () => Date;
  logger: Logger;
  worker: string;
}

export interface FollowUpStats {
  checked: number;
  sent: number;
  notSent: number;
  notFriend: number;
  customerLimit: number;
  nudges: number;
  errors: number;
}

/** The dedupe key of the n-th nudge (1-based) for one add_msg_template task. */
export const remindKey = (msgId: string, n: number) => `groupmsg-remind:${msgId}:${n}`;

// Slot ids are `cap:<customer>:<YYYY-MM>#<n>` (notification.service.ts).
const SLOT = /^(cap:.+):(\d{4}-\d{2})#\d+$/;

/**
 * Follows WeCom customer messages prepared with add_msg_template until the agent sends them: asks
 * get_groupmsg_send_result, nudges the agent through the outbox (remind_groupmsg_send, each nudge a
 * row under its own dedupe key, never more than 3 within 24 h), and records the outcome. A message
 * the customer never received gives its monthly-cap unit back; one the agent sent in a later month
 * moves its unit to that month, as WeCom counts what the customer receives.
 */
export function createGroupSendFollowUp(deps: GroupSendFollowUpDeps) {
  const { repo, logger, settings } = deps;
  const offsetsMs = [...settings.groupMsgRemindHours].sort((a, b) => a - b).map((h) => h * HOUR_MS);

  async function settleCap(row: NotificationRecord, state: GroupSendState, deliveredAt: Date | undefined) {
    const slot = row.groupSend?.capSlot;
    if (!slot) return undefined;
    if (state !== 'sent') {
      await repo.releaseSlot(slot);
      return undefined;
    }
    const m = SLOT.exec(slot);
    const month = deliveredAt ? shanghaiMonthOf(deliveredAt) : undefined;
    if (!m || !month || m[2] === month) return slot;
    // Sent in a later month than prepared: the customer's allowance of that month is what it used.
    const moved = await repo.takeSlot(
      `${m[1]}:${month}`,
      settings.customerMonthlyCap,
      new Date(deps.clock().getTime() + 40 * 86_400_000),
    );
    await repo.releaseSlot(slot);
    if (!moved) logger.warn({ notificationId: row.id }, 'agent sent a customer message over the monthly cap');
    return moved;
  }

  async function finish(
    row: NotificationRecord,
    state: Exclude<GroupSendState, 'awaiting'>,
    now: Date,
    deliveredAt?: Date,
  ): Promise<boolean> {
    if (!(await repo.claimGroupSendFinish(row.id, deps.worker, now))) return false;
    const capSlot = await settleCap(row, state, deliveredAt);
    await repo.finishGroupSend(row.id, { state, at: now, deliveredAt, capSlot });
    logger.info(
      { notificationId: row.id, kind: row.kind, state },
      'customer WeCom message follow-up finished',
    );
    return true;
  }

  /** Enqueues the nudge due now, unless one is still waiting or 3 were sent in the last 24 h. */
  async function nudgeIfDue(
    row: NotificationRecord,
    msgId: string,
    now: Date,
    deadline: Date,
  ): Promise<boolean> {
    const age = now.getTime() - (row.sentAt ?? row.createdAt).getTime();
    let due = 0;
    offsetsMs.forEach((ms, i) => {
      if (age >= ms) due = i + 1;
    });
    if (due === 0) return false;
    const earlier = await repo.findMany({ kind: 'groupmsg_remind', relatedId: row.id });
    if (earlier.some((r) => r.dedupeKey === remindKey(msgId, due))) return false;
    if (
      earlier.some(
        (r) => r.status === 'pending' || r.status === 'sending' || (r.status === 'failed' && r.nextAttemptAt),
      )
    ) {
      return false; // the previous nudge has not gone out yet (quiet hours, retry): no pile-up
    }
    const recent = earlier.filter(
      (r) => r.status === 'sent' && r.sentAt && r.sentAt.getTime() > now.getTime() - REMIND_WINDOW_MS,
    );
    if (recent.length >= REMINDS_PER_WINDOW) return false;
    const { created } = await deps.outbox.enqueue({
      dedupeKey: remindKey(msgId, due),
      kind: 'groupmsg_remind',
      channel: 'customer_wecom_remind',
      to: {
        userId: row.ownerUserId,
        customerId: row.to.customerId,
        externalUserId: row.to.externalUserId,
        senderWecomUserId: row.to.senderWecomUserId,
      },
      owner: row.ownerUserId
        ? { userId: row.ownerUserId, teamId: row.teamId, branchId: row.branchId }
        : undefined,
      related: { type: 'notification', id: row.id },
      expiresAt: deadline,
      message: {
        format: 'text',
        text: '提醒：有一条发给客户的消息等待您在企业微信中确认发送',
        data: { msgId },
      },
    });
    return created;
  }

  return {
    /** One pass over the waiting messages (bounded; the least recently checked first). */
    async run(): Promise<FollowUpStats> {
      const stats: FollowUpStats = {
        checked: 0,
        sent: 0,
        notSent: 0,
        notFriend: 0,
        customerLimit: 0,
        nudges: 0,
        errors: 0,
      };
      const channel = deps.channels.customerWecom;
      if (!channel) return stats;
      const rows = await repo.findAwaitingGroupSends(BATCH);
      for (const row of rows) {
        const now = deps.clock();
        const msgId = row.providerMsgId;
        const sender = row.to.senderWecomUserId;
        const external = row.to.externalUserId;
        stats.checked++;
        const started = row.sentAt ?? row.createdAt;
        const windowEnd = new Date(started.getTime() + settings.groupMsgFollowUpDays * 86_400_000);
        const deadline = row.expiresAt && row.expiresAt < windowEnd ? row.expiresAt : windowEnd;
        if (!msgId || !sender || !external) {
          if (await finish(row, 'not_sent', now)) stats.notSent++;
          continue;
        }
        let result: GroupSendResult;
        try {
          result = await channel.sendResult({ msgId, senderWecomUserId: sender, externalUserId: external });
        } catch (err) {
          stats.errors++;
          logger.warn(
            { notificationId: row.id, err: (err as Error).message },
            'get_groupmsg_send_result failed',
          );
          continue;
        }
        if (result.state === 'sent') {
          if (await finish(row, 'sent', now, result.deliveredAt)) stats.sent++;
        } else if (result.state === 'not_friend') {
          if (await finish(row, 'not_friend', now)) stats.notFriend++;
        } else if (result.state === 'customer_limit') {
          if (await finish(row, 'customer_limit', now)) stats.customerLimit++;
        } else if (now.getTime() >= deadline.getTime()) {
          if (await finish(row, 'not_sent', now)) stats.notSent++;
        } else {
          if (await nudgeIfDue(row, msgId, now, deadline)) stats.nudges++;
          await repo.touchGroupSend(row.id, now);
        }
      }
      return stats;
    },
  };
}
export type GroupSendFollowUp = ReturnType<typeof createGroupSendFollowUp>;
