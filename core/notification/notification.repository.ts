import { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import { isDuplicateKeyError } from '../db/errors.js';
import type {
  Channel,
  GroupSendState,
  NotificationModels,
  NotificationStatus,
  SkipReason,
} from './notification.model.js';

export interface NotificationAddress {
  userId?: string | undefined;
  customerId?: string | undefined;
  wecomUserId?: string | undefined;
  openid?: string | undefined;
  externalUserId?: string | undefined;
  senderWecomUserId?: string | undefined;
}

export interface NotificationMessage {
  format: 'text' | 'markdown' | 'template_card' | 'subscribe';
  text?: string | undefined;
  templateId?: string | undefined;
  page?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

/** A notification as the rest of the code sees it: plain data, string ids. */
export interface NotificationRecord {
  id: string;
  dedupeKey: string;
  kind: string;
  channel: Channel;
  urgent: boolean;
  to: NotificationAddress;
  ownerUserId: string | undefined;
  teamId: string | undefined;
  branchId: string | undefined;
  message: NotificationMessage;
  related: { type: string; id: string } | undefined;
  status: NotificationStatus;
  skipReason: SkipReason | undefined;
  notBefore: Date;
  nextAttemptAt: Date | undefined;
  expiresAt: Date | undefined;
  attempts: number;
  lockedBy: string | undefined;
  lockedUntil: Date | undefined;
  lastError: string | undefined;
  deferredReason: string | undefined;
  providerMsgId: string | undefined;
  /** customer_wecom rows after add_msg_template: the agent's confirmation as WeCom reports it. */
  groupSend: GroupSendRecord | undefined;
  sentAt: Date | undefined;
  finishedAt: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupSendRecord {
  state: GroupSendState;
  capSlot: string | undefined;
  checkedAt: Date | undefined;
  deliveredAt: Date | undefined;
  finalAt: Date | undefined;
}

/** What a producer writes; status, attempts and timestamps are the outbox's business. */
export type NewNotification = Pick<
  NotificationRecord,
  'dedupeKey' | 'kind' | 'channel' | 'urgent' | 'to' | 'message' | 'notBefore'
> & {
  ownerUserId?: string | undefined;
  teamId?: string | undefined;
  branchId?: string | undefined;
  related?: { type: string; id: string } | undefined;
  expiresAt?: Date | undefined;
  status: 'pending' | 'skipped';
  skipReason?: SkipReason | undefined;
  nextAttemptAt?: Date | undefined;
  deferredReason?: string | undefined;
};

interface NotificationLean {
  _id: Types.ObjectId;
  dedupeKey: string;
  kind: string;
  channel: Channel;
  urgent: boolean;
  to?: {
    userId?: Types.ObjectId | null;
    customerId?: Types.ObjectId | null;
    wecomUserId?: string | null;
    openid?: string | null;
    externalUserId?: string | null;
    senderWecomUserId?: string | null;
  } | null;
  ownerUserId?: Types.ObjectId | null;
  teamId?: Types.ObjectId | null;
  branchId?: Types.ObjectId | null;
  message: {
    format: NotificationMessage['format'];
    text?: string | null;
    templateId?: string | null;
    page?: string | null;
    data?: Record<string, unknown> | null;
  };
  related?: { type?: string | null; id?: string | null } | null;
  status: NotificationStatus;
  skipReason?: SkipReason | null;
  notBefore: Date;
  nextAttemptAt?: Date | null;
  expiresAt?: Date | null;
  attempts: number;
  lockedBy?: string | null;
  lockedUntil?: Date | null;
  lastError?: string | null;
  deferredReason?: string | null;
  providerMsgId?: string | null;
  groupSend?: {
    state?: GroupSendState | null;
    capSlot?: string | null;
    checkedAt?: Date | null;
    deliveredAt?: Date | null;
    finalAt?: Date | null;
  } | null;
  sentAt?: Date | null;
  finishedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const u = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
const oid = (id: string) => new Types.ObjectId(id);
const oidOr = (id: string | undefined) => (id ? oid(id) : undefined);
// How many due rows one claim attempt looks at; racing workers skip each other's rows.
const CLAIM_WINDOW = 20;

function toRecord(d: NotificationLean): NotificationRecord {
  const to = d.to ?? {};
  return {
    id: d._id.toString(),
    dedupeKey: d.dedupeKey,
    kind: d.kind,
    channel: d.channel,
    urgent: d.urgent,
    to: {
      userId: to.userId?.toString(),
      customerId: to.customerId?.toString(),
      wecomUserId: u(to.wecomUserId),
      openid: u(to.openid),
      externalUserId: u(to.externalUserId),
      senderWecomUserId: u(to.senderWecomUserId),
    },
    ownerUserId: d.ownerUserId?.toString(),
    teamId: d.teamId?.toString(),
    branchId: d.branchId?.toString(),
    message: {
      format: d.message.format,
      text: u(d.message.text),
      templateId: u(d.message.templateId),
      page: u(d.message.page),
      data: u(d.message.data),
    },
    related: d.related?.type && d.related.id ? { type: d.related.type, id: d.related.id } : undefined,
    status: d.status,
    skipReason: u(d.skipReason),
    notBefore: d.notBefore,
    nextAttemptAt: u(d.nextAttemptAt),
    expiresAt: u(d.expiresAt),
    attempts: d.attempts,
    lockedBy: u(d.lockedBy),
    lockedUntil: u(d.lockedUntil),
    lastError: u(d.lastError),
    deferredReason: u(d.deferredReason),
    providerMsgId: u(d.providerMsgId),
    groupSend: d.groupSend?.state
      ? {
          state: d.groupSend.state,
          capSlot: u(d.groupSend.capSlot),
          checkedAt: u(d.groupSend.checkedAt),
          deliveredAt: u(d.groupSend.deliveredAt),
          finalAt: u(d.groupSend.finalAt),
        }
      : undefined,
    sentAt: u(d.sentAt),
    finishedAt: u(d.finishedAt),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

function toDoc(n: NewNotification) {
  return {
    ...n,
    to: { ...n.to, userId: oidOr(n.to.userId), customerId: oidOr(n.to.customerId) },
    ownerUserId: oidOr(n.ownerUserId),
    teamId: oidOr(n.teamId),
    branchId: oidOr(n.branchId),
    attempts: 0,
    ...(n.status === 'skipped' ? { finishedAt: n.notBefore } : {}),
  };
}

export interface NotificationListFilter {
  status?: NotificationStatus | undefined;
  channel?: Channel | undefined;
  kind?: string | undefined;
  customerId?: string | undefined;
  relatedId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The terminal or waiting state a claimed notification ends in. */
export type Completion =
  | {
      status: 'sent';
      at: Date;
      providerMsgId?: string | undefined;
      /** customer_wecom: now waiting for the agent, holding this monthly-cap unit. */
      awaitingAgent?: { capSlot: string | undefined } | undefined;
    }
  | { status: 'skipped'; at: Date; reason: SkipReason; error?: string | undefined }
  | { status: 'failed'; at: Date; error: string; retryAt?: Date | undefined }
  | { status: 'pending'; retryAt: Date; reason: string; refundAttempt: boolean };

function scopeQuery(scope: DataScope): Record<string, unknown> {
  switch (scope.level) {
    case 'own':
      // An agent sees what is about their customers and what was sent to them.
      return { $or: [{ ownerUserId: oid(scope.userId) }, { 'to.userId': oid(scope.userId) }] };
    case 'team':
      return { teamId: oid(scope.teamId) };
    case 'branch':
      return { branchId: oid(scope.branchId) };
    case 'all':
      return {};
  }
}

/** Data access for the notification outbox, its capped counters and consumer cursors. */
export function createNotificationRepository(models: NotificationModels) {
  const { Notification, NotificationClaim, NotificationSlot, JobCursor } = models;
  return {
    /** Inserts unless the dedupe key exists; the existing row is returned then (never a second send). */
    async insertIfAbsent(n: NewNotification): Promise<{ created: boolean; record: NotificationRecord }> {
      try {
        const doc = await Notification.create(toDoc(n));
        return { created: true, record: toRecord(doc.toObject<NotificationLean>()) };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const existing = await Notification.findOne({ dedupeKey: n.dedupeKey }).lean<NotificationLean>();
        if (!existing) throw err;
        return { created: false, record: toRecord(existing) };
      }
    },

    /** Bulk form for large scans: unordered, duplicates counted rather than thrown. */
    async insertManyIfAbsent(items: NewNotification[]): Promise<{ created: number; duplicates: number }> {
      if (items.length === 0) return { created: 0, duplicates: 0 };
      try {
        const res = await Notification.insertMany(items.map(toDoc), { ordered: false, rawResult: true });
        return { created: res.insertedCount, duplicates: 0 };
      } catch (err) {
        const bulk = err as { insertedDocs?: unknown[]; writeErrors?: { code?: number }[]; code?: number };
        const writeErrors = bulk.writeErrors ?? (isDuplicateKeyError(err) ? [{ code: 11000 }] : undefined);
        if (!writeErrors || writeErrors.some((e) => e.code !== 11000)) throw err;
        return { created: items.length - writeErrors.length, duplicates: writeErrors.length };
      }
    },

    async findById(id: string): Promise<NotificationRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Notification.findById(id).lean<NotificationLean>();
      return d ? toRecord(d) : undefined;
    },

    async findByDedupeKey(dedupeKey: string): Promise<NotificationRecord | undefined> {
      const d = await Notification.findOne({ dedupeKey }).lean<NotificationLean>();
      return d ? toRecord(d) : undefined;
    },

    /**
     * Takes one due notification for `worker` (pending, or failed with a retry time), oldest first,
     * and leases it until `lockedUntil`. The claim is an insert of `<id>#<claimSeq+1>` under a unique
     * _id: of two workers reading the same row, exactly one insert succeeds.
     */
    async claimNext(opts: {
      now: Date;
      worker: string;
      lockedUntil: Date;
      channels: Channel[];
      urgentOnly: boolean;
    }): Promise<NotificationRecord | undefined> {
      const candidates = await Notification.find({
        status: { $in: ['pending', 'failed'] },
        nextAttemptAt: { $lte: opts.now },
        channel: { $in: opts.channels },
        ...(opts.urgentOnly ? { urgent: true } : {}),
      })
        .sort({ nextAttemptAt: 1, _id: 1 })
        .limit(CLAIM_WINDOW)
        .select({ _id: 1, claimSeq: 1 })
        .lean<{ _id: Types.ObjectId; claimSeq?: number }[]>();
      for (const c of candidates) {
        const seq = (c.claimSeq ?? 0) + 1;
        try {
          await NotificationClaim.create({
            _id: `${c._id.toString()}#${seq}`,
            worker: opts.worker,
            at: opts.now,
          });
        } catch (err) {
          if (isDuplicateKeyError(err)) continue; // another worker has it
          throw err;
        }
        const d = await Notification.findOneAndUpdate(
          { _id: c._id },
          {
            $set: { status: 'sending', lockedBy: opts.worker, lockedUntil: opts.lockedUntil, claimSeq: seq },
            $inc: { attempts: 1 },
          },
          { returnDocument: 'after' },
        ).lean<NotificationLean>();
        if (d) return toRecord(d);
      }
      return undefined;
    },

    /** Ends a lease held by `worker`; false if the lease was lost (swept) meanwhile. */
    async complete(id: string, worker: string, c: Completion): Promise<boolean> {
      const unlock = { lockedBy: 1, lockedUntil: 1 };
      let update: Record<string, unknown>;
      switch (c.status) {
        case 'sent':
          update = {
            $set: {
              status: 'sent',
              sentAt: c.at,
              finishedAt: c.at,
              providerMsgId: c.providerMsgId,
              ...(c.awaitingAgent
                ? { groupSend: { state: 'awaiting', capSlot: c.awaitingAgent.capSlot, checkedAt: c.at } }
                : {}),
            },
            $unset: { ...unlock, nextAttemptAt: 1, lastError: 1 },
          };
          break;
        case 'skipped':
          update = {
            $set: { status: 'skipped', skipReason: c.reason, finishedAt: c.at, lastError: c.error },
            $unset: { ...unlock, nextAttemptAt: 1 },
          };
          break;
        case 'failed':
          update = c.retryAt
            ? { $set: { status: 'failed', lastError: c.error, nextAttemptAt: c.retryAt }, $unset: unlock }
            : {
                $set: { status: 'failed', lastError: c.error, finishedAt: c.at },
                $unset: { ...unlock, nextAttemptAt: 1 },
              };
          break;
        case 'pending':
          update = {
            $set: { status: 'pending', nextAttemptAt: c.retryAt, deferredReason: c.reason },
            $unset: unlock,
            ...(c.refundAttempt ? { $inc: { attempts: -1 } } : {}),
          };
          break;
      }
      const res = await Notification.updateOne({ _id: oid(id), status: 'sending', lockedBy: worker }, update);
      return res.matchedCount === 1;
    },

    /**
     * Leases that outlived their worker (crash, kill -9, lost network). Rows on channels where a resend
     * is harmless go back to pending; the others end as failed "outcome unknown" for a person to check,
     * because resending could deliver twice.
     */
    async releaseStale(now: Date, resendSafe: Channel[]): Promise<{ requeued: number; unknown: number }> {
      const stale = { status: 'sending' as const, lockedUntil: { $lt: now } };
      const requeued = await Notification.updateMany(
        { ...stale, channel: { $in: resendSafe } },
        {
          $set: { status: 'pending', nextAttemptAt: now, lastError: 'lease expired; requeued' },
          $unset: { lockedBy: 1, lockedUntil: 1 },
        },
      );
      const unknown = await Notification.updateMany(
        { ...stale, channel: { $nin: resendSafe } },
        {
          $set: {
            status: 'failed',
            finishedAt: now,
            lastError: 'outcome unknown: the worker stopped while sending; check before resending',
          },
          $unset: { lockedBy: 1, lockedUntil: 1, nextAttemptAt: 1 },
        },
      );
      return { requeued: requeued.modifiedCount, unknown: unknown.modifiedCount };
    },

    /**
     * Takes one unit of the capped window `key`; returns its slot id (to give it back), or undefined
     * when the window is full. Each unit is a document `<key>#<n>`, n ≤ cap, under a unique _id.
     */
    async takeSlot(key: string, cap: number, expiresAt: Date): Promise<string | undefined> {
      const used = await NotificationSlot.countDocuments({ key });
      if (used >= cap) return undefined;
      // Numbers above the count first (the usual case), then the gaps left by released units.
      const order = [
        ...Array.from({ length: cap - used }, (_, i) => used + 1 + i),
        ...Array.from({ length: used }, (_, i) => i + 1),
      ];
      for (const n of order) {
        try {
          const id = `${key}#${n}`;
          await NotificationSlot.create({ _id: id, key, expiresAt });
          return id;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      return undefined;
    },

    async releaseSlot(slotId: string): Promise<void> {
      await NotificationSlot.deleteOne({ _id: slotId });
    },

    async slotCount(key: string): Promise<number> {
      return NotificationSlot.countDocuments({ key });
    },

    /** Drops expired windows and claims old enough that no reader can still hold their row's number. */
    async deleteExpired(now: Date): Promise<number> {
      const slots = await NotificationSlot.deleteMany({ expiresAt: { $lt: now } });
      const claims = await NotificationClaim.deleteMany({
        at: { $lt: new Date(now.getTime() - 7 * 86_400_000) },
      });
      return slots.deletedCount + claims.deletedCount;
    },

    async list(
      scope: DataScope,
      filter: NotificationListFilter,
      page: { skip: number; limit: number },
    ): Promise<{ items: NotificationRecord[]; total: number }> {
      const q: Record<string, unknown> = { ...scopeQuery(scope) };
      if (filter.status) q.status = filter.status;
      if (filter.channel) q.channel = filter.channel;
      if (filter.kind) q.kind = filter.kind;
      if (filter.customerId) q['to.customerId'] = oid(filter.customerId);
      if (filter.relatedId) q['related.id'] = filter.relatedId;
      if (filter.from || filter.to) {
        q.createdAt = {
          ...(filter.from ? { $gte: filter.from } : {}),
          ...(filter.to ? { $lt: filter.to } : {}),
        };
      }
      const [docs, total] = await Promise.all([
        Notification.find(q)
          .sort({ createdAt: -1, _id: -1 })
          .skip(page.skip)
          .limit(page.limit)
          .lean<NotificationLean[]>(),
        Notification.countDocuments(q),
      ]);
      return { items: docs.map(toRecord), total };
    },

    /** Rows matching a raw filter (jobs and tests: escalation checks, digests); bounded. */
    async findMany(
      filter: { kind?: string; relatedId?: string; status?: NotificationStatus; channel?: Channel },
      limit = 1000,
    ): Promise<NotificationRecord[]> {
      const q: Record<string, unknown> = {};
      if (filter.kind) q.kind = filter.kind;
      if (filter.relatedId) q['related.id'] = filter.relatedId;
      if (filter.status) q.status = filter.status;
      if (filter.channel) q.channel = filter.channel;
      const docs = await Notification.find(q).sort({ createdAt: 1 }).limit(limit).lean<NotificationLean[]>();
      return docs.map(toRecord);
    },

    /** customer_wecom rows still waiting for the agent's confirmation, least recently checked first. */
    async findAwaitingGroupSends(limit: number): Promise<NotificationRecord[]> {
      const docs = await Notification.find({ 'groupSend.state': 'awaiting' })
        .sort({ 'groupSend.checkedAt': 1, _id: 1 })
        .limit(limit)
        .lean<NotificationLean[]>();
      return docs.map(toRecord);
    },

    /** Records that the follow-up looked at a waiting row (the next run starts with the others). */
    async touchGroupSend(id: string, at: Date): Promise<void> {
      await Notification.updateOne(
        { _id: oid(id), 'groupSend.state': 'awaiting' },
        { $set: { 'groupSend.checkedAt': at } },
      );
    },

    /**
     * The right to end a row's wait for the agent. Exactly one caller gets it (an insert under a unique
     * _id, as for claims: conditional updates are not atomic on FerretDB), so the monthly-cap unit is
     * given back or moved once even when two workers check the same row.
     */
    async claimGroupSendFinish(id: string, worker: string, at: Date): Promise<boolean> {
      try {
        await NotificationClaim.create({ _id: `${id}#group-send`, worker, at });
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },

    /** Writes WeCom's verdict on a prepared customer message (after claimGroupSendFinish). */
    async finishGroupSend(
      id: string,
      outcome: {
        state: Exclude<GroupSendState, 'awaiting'>;
        at: Date;
        deliveredAt?: Date | undefined;
        capSlot: string | undefined;
      },
    ): Promise<void> {
      await Notification.updateOne(
        { _id: oid(id) },
        {
          $set: {
            'groupSend.state': outcome.state,
            'groupSend.checkedAt': outcome.at,
            'groupSend.finalAt': outcome.at,
            ...(outcome.deliveredAt ? { 'groupSend.deliveredAt': outcome.deliveredAt } : {}),
            ...(outcome.capSlot ? { 'groupSend.capSlot': outcome.capSlot } : {}),
          },
          ...(outcome.capSlot ? {} : { $unset: { 'groupSend.capSlot': 1 } }),
        },
      );
    },

    async getCursor(name: string): Promise<string | undefined> {
      const d = await JobCursor.findById(name).lean<{ position: string }>();
      return d?.position;
    },

    async setCursor(name: string, position: string): Promise<void> {
      await JobCursor.updateOne({ _id: name }, { $set: { position } }, { upsert: true });
    },
  };
}
export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
