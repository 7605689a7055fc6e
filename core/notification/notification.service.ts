import { hostname } from 'node:os';
import type { Logger } from '../logger.js';
import { classifyChannelError, type NotificationChannels } from './channels.js';
import type { Channel, SkipReason } from './notification.model.js';
import type {
  Completion,
  NewNotification,
  NotificationAddress,
  NotificationMessage,
  NotificationRecord,
  NotificationRepository,
} from './notification.repository.js';
import { CATEGORY_LABEL, KIND_CATEGORY, type CustomerNotificationPreferences } from './preferences.js';
import { isQuiet, releaseTime, type QuietHours } from './quiet-hours.js';
import { shanghaiMonthOf } from './shanghai-time.js';

/**
 * The compliance check every outgoing text passes first (core/compliance's checkOutgoing). `blocked`
 * stops the send; the checker records the hit and alerts the compliance owner itself.
 */
export interface OutgoingTextGate {
  checkOutgoing(
    text: string,
    context: { channel: Channel; sourceRef: string; agentId?: string; customerId?: string },
  ): Promise<{ blocked: boolean; rules: string[] }>;
}

/** What a producer (renewals, claims, care, digest …) asks the outbox to send. */
export interface EnqueueRequest {
  dedupeKey: string;
  kind: string;
  channel: Channel;
  /** Urgent messages ignore quiet hours (claim status changes); everything else waits for morning. */
  urgent?: boolean;
  to: NotificationAddress;
  message: NotificationMessage;
  owner?: { userId: string; teamId?: string | undefined; branchId?: string | undefined } | undefined;
  related?: { type: string; id: string };
  /** Not before this instant (default: now). */
  notBefore?: Date;
  /** Pointless after this instant (e.g. a renewal reminder after the policy expired) → skipped. */
  expiresAt?: Date;
}

// WeCom drops app messages above 30/min and 1000/h per member silently; stay under with a margin,
// because the counters are fixed windows and a member may also receive messages from other apps.
export const PACING = { perMinute: 25, perHour: 900 } as const;
const LEASE_MS = 2 * 60_000;
// Retry delays after a retryable failure: 1 min, 5 min, 30 min, 2 h; the fifth failure is final.
const BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000];
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;
const RATE_LIMIT_BACKOFF_MS = 10 * 60_000;

export interface NotificationServiceDeps {
  repo: NotificationRepository;
  clock: () => Date;
  logger: Logger;
  quietHours: QuietHours;
  customerMonthlyCap: number;
  channels: NotificationChannels;
  gate: OutgoingTextGate;
  /** The customers' choices from the mini-program: a category switched off → skipped `opted_out`. */
  preferences: CustomerNotificationPreferences;
  /** Identifies this process in leases (several workers may dispatch at once). */
  workerName?: string | undefined;
}

export interface DispatchStats {
  claimed: number;
  sent: number;
  skipped: number;
  failed: number;
  deferred: number;
}

const addressFor: Record<Channel, (to: NotificationAddress) => boolean> = {
  agent_app: (to) => Boolean(to.wecomUserId),
  manager_digest: (to) => Boolean(to.wecomUserId),
  customer_subscribe: (to) => Boolean(to.openid),
  customer_wecom: (to) => Boolean(to.externalUserId && to.senderWecomUserId),
  customer_wecom_remind: (to) => Boolean(to.externalUserId && to.senderWecomUserId),
};

const CUSTOMER_CHANNELS: ReadonlySet<Channel> = new Set(['customer_subscribe', 'customer_wecom']);

/** The text the compliance gate reads: body plus every subscribe-message value. */
function outgoingText(m: NotificationMessage): string {
  const values = Object.values(m.data ?? {}).map((v) =>
    typeof v === 'object' && v !== null && 'value' in v ? String((v as { value: unknown }).value) : '',
  );
  return [m.text ?? '', ...values].filter(Boolean).join('\n');
}

/**
 * The notification outbox. `enqueue` writes a row under its dedupe key before anything is sent;
 * `dispatchDue` claims due rows one at a time (atomically) and sends them; `sweep` returns leases of
 * dead workers. Together: every business fact reaches its recipient once, or is recorded as skipped
 * or failed with a reason.
 */
export function createNotificationService(deps: NotificationServiceDeps) {
  const { repo, logger } = deps;
  const worker = deps.workerName ?? `${hostname()}:${process.pid}`;

  const configuredChannels = (): Channel[] => {
    const out: Channel[] = [];
    if (deps.channels.agentApp) out.push('agent_app', 'manager_digest');
    if (deps.channels.subscribe) out.push('customer_subscribe');
    if (deps.channels.customerWecom) out.push('customer_wecom', 'customer_wecom_remind');
    return out;
  };
  const resendSafeChannels = (): Channel[] => {
    const out: Channel[] = [];
    if (deps.channels.agentApp?.resendSafe) out.push('agent_app', 'manager_digest');
    if (deps.channels.subscribe?.resendSafe) out.push('customer_subscribe');
    if (deps.channels.customerWecom?.resendSafe) out.push('customer_wecom');
    return out;
  };

  function toNew(req: EnqueueRequest, now: Date): NewNotification {
    const notBefore = req.notBefore ?? now;
    const urgent = req.urgent ?? false;
    const base = {
      dedupeKey: req.dedupeKey,
      kind: req.kind,
      channel: req.channel,
      urgent,
      to: req.to,
      message: req.message,
      notBefore,
      ownerUserId: req.owner?.userId,
      teamId: req.owner?.teamId,
      branchId: req.owner?.branchId,
      related: req.related,
      expiresAt: req.expiresAt,
    };
    // Recorded as skipped rather than dropped: the row answers "why did nobody get this?".
    if (!addressFor[req.channel](req.to)) return { ...base, status: 'skipped', skipReason: 'no_binding' };
    const release = urgent ? notBefore : releaseTime(deps.quietHours, notBefore);
    return {
      ...base,
      status: 'pending',
      nextAttemptAt: release,
      deferredReason: release.getTime() !== notBefore.getTime() ? 'quiet_hours' : undefined,
    };
  }

  /** Takes a pacing unit for the member (minute and hour windows); returns when to retry if full. */
  async function paceSlots(wecomUserId: string, now: Date): Promise<Date | undefined> {
    const minute = Math.floor(now.getTime() / 60_000);
    const hour = Math.floor(now.getTime() / 3600_000);
    const minuteSlot = await repo.takeSlot(
      `pace:m:${wecomUserId}:${minute}`,
      PACING.perMinute,
      new Date((minute + 2) * 60_000),
    );
    if (!minuteSlot) return new Date((minute + 1) * 60_000);
    const hourSlot = await repo.takeSlot(
      `pace:h:${wecomUserId}:${hour}`,
      PACING.perHour,
      new Date((hour + 2) * 3600_000),
    );
    if (!hourSlot) {
      await repo.releaseSlot(minuteSlot);
      return new Date((hour + 1) * 3600_000);
    }
    return undefined;
  }

  async function send(n: NotificationRecord): Promise<Completion> {
    const now = deps.clock();
    const skip = (reason: SkipReason, error?: string): Completion => ({
      status: 'skipped',
      at: now,
      reason,
      error,
    });

    if (n.expiresAt && n.expiresAt.getTime() <= now.getTime()) return skip('expired');
    const category = KIND_CATEGORY[n.kind];
    if (category && n.to.customerId && CUSTOMER_CHANNELS.has(n.channel)) {
      // Read at send time, so a choice saved after the row was written still counts.
      if (!(await deps.preferences.allows(n.to.customerId, category))) {
        return skip('opted_out', `the customer switched off ${CATEGORY_LABEL[category]} in the mini-program`);
      }
    }
    if (!n.urgent && isQuiet(deps.quietHours, now)) {
      return {
        status: 'pending',
        retryAt: releaseTime(deps.quietHours, now),
        reason: 'quiet_hours',
        refundAttempt: true,
      };
    }
    if (n.channel === 'customer_wecom_remind') return nudge(n, now);
    const verdict = await deps.gate.checkOutgoing(outgoingText(n.message), {
      channel: n.channel,
      // The dedupe key, so a retried row does not record the same hit twice.
      sourceRef: n.dedupeKey,
      ...(n.ownerUserId ? { agentId: n.ownerUserId } : {}),
      ...(n.to.customerId ? { customerId: n.to.customerId } : {}),
    });
    if (verdict.blocked) {
      logger.warn(
        { notificationId: n.id, kind: n.kind, rules: verdict.rules },
        'notification blocked by compliance',
      );
      return skip('compliance_block', `matched ${verdict.rules.join(', ')}`);
    }

    let capSlot: string | undefined;
    if (n.channel === 'customer_wecom') {
      const capKey = `cap:${n.to.customerId ?? n.to.externalUserId}:${shanghaiMonthOf(now)}`;
      capSlot = await repo.takeSlot(
        capKey,
        deps.customerMonthlyCap,
        new Date(now.getTime() + 40 * 86_400_000),
      );
      if (!capSlot) return skip('monthly_cap');
    }
    if ((n.channel === 'agent_app' || n.channel === 'manager_digest') && n.to.wecomUserId) {
      const wait = await paceSlots(n.to.wecomUserId, now);
      if (wait) return { status: 'pending', retryAt: wait, reason: 'pacing', refundAttempt: true };
    }

    try {
      const result = await deliver(n);
      return {
        status: 'sent',
        at: deps.clock(),
        providerMsgId: result.providerMsgId,
        // add_msg_template only prepared it: the groupmsg follow-up job watches for the agent.
        ...(n.channel === 'customer_wecom' ? { awaitingAgent: { capSlot } } : {}),
      };
    } catch (err) {
      // A failed attempt must not use up the customer's monthly quota.
      if (capSlot) await repo.releaseSlot(capSlot);
      return failure(n, err);
    }
  }

  /**
   * remind_groupmsg_send for a prepared customer message, unless WeCom already reports an outcome
   * for the customer (the agent sent it, or it can no longer be sent): no nudge after the fact.
   */
  async function nudge(n: NotificationRecord, now: Date): Promise<Completion> {
    const channel = deps.channels.customerWecom;
    const msgId = n.message.data?.msgId;
    if (!channel || typeof msgId !== 'string' || !n.to.senderWecomUserId || !n.to.externalUserId) {
      return { status: 'failed', at: now, error: 'reminder row without msgid or addresses' };
    }
    try {
      const result = await channel.sendResult({
        msgId,
        senderWecomUserId: n.to.senderWecomUserId,
        externalUserId: n.to.externalUserId,
      });
      if (result.state !== 'awaiting') {
        return {
          status: 'skipped',
          at: now,
          reason: 'already_handled',
          error: `WeCom reports ${result.state}`,
        };
      }
      await channel.remind(msgId);
      return { status: 'sent', at: deps.clock(), providerMsgId: msgId };
    } catch (err) {
      return failure(n, err);
    }
  }

  /** What a channel error means for the row: skipped, failed for good, or failed with a retry time. */
  function failure(n: NotificationRecord, err: unknown): Completion {
    const skip = (reason: SkipReason, error?: string): Completion => ({
      status: 'skipped',
      at: deps.clock(),
      reason,
      error,
    });
    const { kind, retryAfterMs } = classifyChannelError(err);
    const error = err instanceof Error ? err.message : String(err);
    const at = deps.clock();
    switch (kind) {
      case 'unsubscribed':
        return skip('unsubscribed', error);
      case 'no_binding':
        return skip('no_binding', error);
      case 'permanent':
        return { status: 'failed', at, error };
      case 'rate_limited':
        return {
          status: 'failed',
          at,
          error,
          retryAt: new Date(at.getTime() + (retryAfterMs ?? RATE_LIMIT_BACKOFF_MS)),
        };
      case 'retryable': {
        const delay = BACKOFF_MS[n.attempts - 1];
        return delay === undefined
          ? { status: 'failed', at, error: `gave up after ${n.attempts} attempts: ${error}` }
          : { status: 'failed', at, error, retryAt: new Date(at.getTime() + (retryAfterMs ?? delay)) };
      }
    }
  }

  async function deliver(n: NotificationRecord) {
    const { channels } = deps;
    const text = n.message.text ?? '';
    switch (n.channel) {
      case 'agent_app':
      case 'manager_digest': {
        if (!channels.agentApp || !n.to.wecomUserId) throw new Error('agent app channel not available');
        const format = n.message.format === 'subscribe' ? 'text' : n.message.format;
        return channels.agentApp.send({
          toUser: n.to.wecomUserId,
          format,
          text,
          card: format === 'template_card' ? n.message.data : undefined,
          idempotencyKey: n.dedupeKey,
        });
      }
      case 'customer_subscribe': {
        if (!channels.subscribe || !n.to.openid || !n.message.templateId) {
          throw new Error('subscribe channel not available');
        }
        return channels.subscribe.send({
          openid: n.to.openid,
          templateId: n.message.templateId,
          page: n.message.page,
          data: (n.message.data ?? {}) as Record<string, { value: string }>,
          idempotencyKey: n.dedupeKey,
        });
      }
      case 'customer_wecom_remind':
        throw new Error('reminders are sent by nudge(), not deliver()');
      case 'customer_wecom': {
        if (!channels.customerWecom || !n.to.externalUserId || !n.to.senderWecomUserId) {
          throw new Error('customer WeCom channel not available');
        }
        return channels.customerWecom.prepare({
          senderWecomUserId: n.to.senderWecomUserId,
          externalUserId: n.to.externalUserId,
          text,
          idempotencyKey: n.dedupeKey,
        });
      }
    }
  }

  return {
    worker,

    /**
     * Writes the notification under its dedupe key (before any send). A second call with the same
     * key changes nothing and returns the existing row with `created: false`.
     */
    async enqueue(req: EnqueueRequest): Promise<{ created: boolean; record: NotificationRecord }> {
      const res = await repo.insertIfAbsent(toNew(req, deps.clock()));
      if (res.created && res.record.status === 'skipped') {
        logger.info(
          { kind: req.kind, channel: req.channel, reason: res.record.skipReason },
          'notification skipped',
        );
      }
      return res;
    },

    /** Bulk enqueue for large scans (renewal bench): same rows and rules, one round trip per batch. */
    async enqueueMany(reqs: EnqueueRequest[]): Promise<{ created: number; duplicates: number }> {
      const now = deps.clock();
      return repo.insertManyIfAbsent(reqs.map((r) => toNew(r, now)));
    },

    /** Claims and sends due notifications until none is due or `limit` were handled. */
    async dispatchDue(opts: { limit?: number } = {}): Promise<DispatchStats> {
      const stats: DispatchStats = { claimed: 0, sent: 0, skipped: 0, failed: 0, deferred: 0 };
      const channels = configuredChannels();
      if (channels.length === 0) return stats;
      const limit = opts.limit ?? 500;
      while (stats.claimed < limit) {
        const now = deps.clock();
        const n = await repo.claimNext({
          now,
          worker,
          lockedUntil: new Date(now.getTime() + LEASE_MS),
          channels,
          urgentOnly: isQuiet(deps.quietHours, now),
        });
        if (!n) break;
        stats.claimed++;
        let outcome: Completion;
        try {
          outcome = await send(n);
        } catch (err) {
          // A database or gate failure: let the lease expire and the sweeper decide, never guess.
          logger.error({ err, notificationId: n.id }, 'notification dispatch failed before sending');
          throw err;
        }
        const kept = await repo.complete(n.id, worker, outcome);
        if (!kept) logger.warn({ notificationId: n.id }, 'notification lease lost before completion');
        if (outcome.status === 'sent') stats.sent++;
        else if (outcome.status === 'skipped') stats.skipped++;
        else if (outcome.status === 'failed') stats.failed++;
        else stats.deferred++;
        if (outcome.status === 'failed') {
          logger.warn(
            { notificationId: n.id, kind: n.kind, attempts: n.attempts, error: outcome.error },
            'notification send failed',
          );
        }
      }
      return stats;
    },

    /** Returns expired leases (dead workers) and drops old counters. */
    async sweep(): Promise<{ requeued: number; unknown: number; countersDeleted: number }> {
      const now = deps.clock();
      const released = await repo.releaseStale(now, resendSafeChannels());
      const countersDeleted = await repo.deleteExpired(now);
      if (released.requeued + released.unknown > 0)
        logger.warn(released, 'released stale notification leases');
      return { ...released, countersDeleted };
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
