import type { Types } from 'mongoose';
import type { CallbackMessage } from './callback-messages.js';
import type { CallbackStatus, WecomModels } from './wecom.model.js';

/** A stored callback, as plain data. */
export interface CallbackRecord {
  id: string;
  dedupeKey: string;
  type: string;
  fromUserName: string;
  agentId: string | undefined;
  createTime: number;
  msgId: string | undefined;
  message: CallbackMessage;
  status: CallbackStatus;
  attempts: number;
  doneHandlers: string[];
  lastError: string | undefined;
  duplicates: number;
  receivedAt: Date;
  processedAt: Date | undefined;
}

interface CallbackLean {
  _id: Types.ObjectId;
  dedupeKey: string;
  type: string;
  fromUserName: string;
  agentId?: string | null;
  createTime: number;
  msgId?: string | null;
  message: CallbackMessage;
  status: CallbackStatus;
  attempts: number;
  doneHandlers?: string[] | null;
  lastError?: string | null;
  duplicates: number;
  receivedAt: Date;
  processedAt?: Date | null;
}

const toRecord = (d: CallbackLean): CallbackRecord => ({
  id: d._id.toString(),
  dedupeKey: d.dedupeKey,
  type: d.type,
  fromUserName: d.fromUserName,
  agentId: d.agentId ?? undefined,
  createTime: d.createTime,
  msgId: d.msgId ?? undefined,
  message: d.message,
  status: d.status,
  attempts: d.attempts,
  doneHandlers: d.doneHandlers ?? [],
  lastError: d.lastError ?? undefined,
  duplicates: d.duplicates,
  receivedAt: d.receivedAt,
  processedAt: d.processedAt ?? undefined,
});

const isDuplicateKey = (err: unknown) => (err as { code?: unknown }).code === 11000;

/** Data access for the callback store (the inbox every WeCom callback lands in before it is acked). */
export function createCallbackRepository(models: Pick<WecomModels, 'WecomCallback'>) {
  const { WecomCallback } = models;
  return {
    /**
     * Stores a callback once. A second arrival with the same dedupe key (a WeCom retry, a replay)
     * only bumps the duplicate counter and reports `duplicate: true`.
     */
    async insertOnce(input: {
      dedupeKey: string;
      type: string;
      message: CallbackMessage;
      xml: string;
      receivedAt: Date;
    }): Promise<{ id: string; duplicate: boolean }> {
      const m = input.message;
      try {
        const doc = await WecomCallback.create({
          dedupeKey: input.dedupeKey,
          type: input.type,
          fromUserName: m.fromUserName,
          agentId: m.agentId,
          createTime: m.createTime,
          msgId: 'msgId' in m ? m.msgId : undefined,
          message: m,
          xml: input.xml,
          status: 'pending',
          attempts: 0,
          doneHandlers: [],
          nextAttemptAt: input.receivedAt,
          duplicates: 0,
          receivedAt: input.receivedAt,
        });
        return { id: doc._id.toString(), duplicate: false };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await WecomCallback.findOneAndUpdate(
          { dedupeKey: input.dedupeKey },
          { $inc: { duplicates: 1 } },
          { returnDocument: 'after' },
        ).lean<CallbackLean>();
        if (!existing) throw err;
        return { id: existing._id.toString(), duplicate: true };
      }
    },

    async findById(id: string): Promise<CallbackRecord | undefined> {
      const d = await WecomCallback.findById(id).lean<CallbackLean>();
      return d ? toRecord(d) : undefined;
    },

    /**
     * Takes the processing lease on a callback that is due: pending/failed-but-retryable and due, or
     * processing whose lease ran out (its process died). Returns undefined if someone else has it.
     */
    async claim(
      id: string,
      now: Date,
      leaseMs: number,
      maxAttempts: number,
    ): Promise<CallbackRecord | undefined> {
      const d = await WecomCallback.findOneAndUpdate(
        {
          _id: id,
          attempts: { $lt: maxAttempts },
          $or: [
            { status: 'pending', nextAttemptAt: { $lte: now } },
            { status: 'processing', leaseUntil: { $lt: now } },
          ],
        },
        {
          $set: { status: 'processing', leaseUntil: new Date(now.getTime() + leaseMs) },
          $inc: { attempts: 1 },
        },
        { returnDocument: 'after' },
      ).lean<CallbackLean>();
      return d ? toRecord(d) : undefined;
    },

    async markHandlerDone(id: string, handler: string): Promise<void> {
      await WecomCallback.updateOne({ _id: id }, { $addToSet: { doneHandlers: handler } });
    },

    async markDone(id: string, at: Date): Promise<void> {
      await WecomCallback.updateOne(
        { _id: id },
        { $set: { status: 'done', processedAt: at }, $unset: { leaseUntil: 1, lastError: 1 } },
      );
    },

    /** After a failed attempt: retry at `retryAt`, or give up (`failed`) when no attempts are left. */
    async markFailed(id: string, error: string, retryAt: Date | undefined): Promise<void> {
      await WecomCallback.updateOne(
        { _id: id },
        retryAt
          ? {
              $set: { status: 'pending', lastError: error, nextAttemptAt: retryAt },
              $unset: { leaseUntil: 1 },
            }
          : { $set: { status: 'failed', lastError: error }, $unset: { leaseUntil: 1 } },
      );
    },

    /** Orphaned callbacks that used their last attempt: marked failed so they stop looking in flight. */
    async failExhausted(now: Date, maxAttempts: number): Promise<number> {
      const res = await WecomCallback.updateMany(
        { status: 'processing', leaseUntil: { $lt: now }, attempts: { $gte: maxAttempts } },
        {
          $set: { status: 'failed', lastError: 'lease expired on the last attempt' },
          $unset: { leaseUntil: 1 },
        },
      );
      return res.modifiedCount;
    },

    /** Ids of callbacks that are due (pending) or orphaned (lease expired), oldest first. */
    async listDue(now: Date, maxAttempts: number, limit: number): Promise<string[]> {
      const docs = await WecomCallback.find(
        {
          attempts: { $lt: maxAttempts },
          $or: [
            { status: 'pending', nextAttemptAt: { $lte: now } },
            { status: 'processing', leaseUntil: { $lt: now } },
          ],
        },
        { _id: 1 },
      )
        .sort({ receivedAt: 1 })
        .limit(limit)
        .lean<{ _id: Types.ObjectId }[]>();
      return docs.map((d) => d._id.toString());
    },

    async listRecent(limit: number): Promise<CallbackRecord[]> {
      const docs = await WecomCallback.find()
        .sort({ receivedAt: -1, _id: -1 })
        .limit(limit)
        .lean<CallbackLean[]>();
      return docs.map(toRecord);
    },
  };
}
export type CallbackRepository = ReturnType<typeof createCallbackRepository>;
