import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../db/errors.js';
import type { ComplianceModels } from '../compliance.model.js';
import type { ChatDataRecord } from './archive.sdk.js';

export interface CheckpointRecord {
  key: string;
  seq: number;
  lastPullAt: Date | undefined;
  lastSuccessAt: Date | undefined;
  lastError: string | undefined;
  createdAt: Date;
}

export interface StoredArchiveMessage {
  msgid: string;
  seq: number;
  action: string;
  from: string | undefined;
  tolist: string[];
  roomid: string | undefined;
  msgtime: Date | undefined;
  msgtype: string | undefined;
  text: string | undefined;
  agentId: string | undefined;
  agentWecomUserId: string | undefined;
  customerId: string | undefined;
  externalUserId: string | undefined;
  fromStaff: boolean;
  publickeyVer: number;
  hitCount: number;
}

const oidOrUndefined = (id: string | undefined) =>
  id && Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : undefined;

/** Data access for the chat-archive pull: checkpoint with lease, messages, undecryptable records. */
export function createArchiveRepository(models: ComplianceModels) {
  const { ChatArchiveCheckpoint, ChatArchiveMessage, ChatArchiveFailure } = models;

  async function ensureCheckpoint(key: string): Promise<void> {
    try {
      await ChatArchiveCheckpoint.updateOne({ key }, { $setOnInsert: { key, seq: 0 } }, { upsert: true });
    } catch (err) {
      // Two processes creating it at once: the other one won, which is fine.
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  return {
    async checkpoint(key: string): Promise<CheckpointRecord> {
      await ensureCheckpoint(key);
      const d = await ChatArchiveCheckpoint.findOne({ key }).lean<{
        key: string;
        seq: number;
        lastPullAt?: Date | null;
        lastSuccessAt?: Date | null;
        lastError?: string | null;
        createdAt: Date;
      }>();
      if (!d) throw new Error(`checkpoint ${key} vanished`);
      return {
        key: d.key,
        seq: d.seq,
        lastPullAt: d.lastPullAt ?? undefined,
        lastSuccessAt: d.lastSuccessAt ?? undefined,
        lastError: d.lastError ?? undefined,
        createdAt: d.createdAt,
      };
    },

    /** Takes the pull lease if it is free or expired. */
    async acquireLease(key: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
      await ensureCheckpoint(key);
      const res = await ChatArchiveCheckpoint.updateOne(
        { key, $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }] },
        { $set: { lockedUntil: new Date(now.getTime() + ttlMs), lockOwner: owner } },
      );
      return res.modifiedCount === 1;
    },

    async releaseLease(key: string, owner: string): Promise<void> {
      await ChatArchiveCheckpoint.updateOne(
        { key, lockOwner: owner },
        { $set: { lockedUntil: null, lockOwner: null } },
      );
    },

    /** Moves the checkpoint forward only (a slow, stale pull never moves it back). */
    async advance(key: string, seq: number): Promise<void> {
      await ChatArchiveCheckpoint.updateOne({ key, seq: { $lt: seq } }, { $set: { seq } });
    },

    async markPull(key: string, at: Date, error: string | undefined): Promise<void> {
      await ChatArchiveCheckpoint.updateOne(
        { key },
        error === undefined
          ? { $set: { lastPullAt: at, lastSuccessAt: at, lastError: null } }
          : { $set: { lastPullAt: at, lastError: error } },
      );
    },

    async messageExists(msgid: string): Promise<boolean> {
      return (await ChatArchiveMessage.exists({ msgid })) !== null;
    },

    /**
     * Which of these msgids are stored: one query per batch instead of one per record, because the
     * embedded database answers a msgid lookup by scanning the collection.
     */
    async storedMsgids(msgids: string[]): Promise<Set<string>> {
      if (msgids.length === 0) return new Set();
      const docs = await ChatArchiveMessage.find({ msgid: { $in: msgids } }, { msgid: 1, _id: 0 }).lean<
        { msgid: string }[]
      >();
      return new Set(docs.map((d) => d.msgid));
    },

    /** False when the msgid is already stored (another pull got there first). */
    async insertMessage(m: StoredArchiveMessage): Promise<boolean> {
      try {
        await ChatArchiveMessage.create({
          ...m,
          agentId: oidOrUndefined(m.agentId),
          customerId: oidOrUndefined(m.customerId),
        });
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },

    async recordFailure(r: ChatDataRecord, reason: string): Promise<void> {
      await ChatArchiveFailure.updateOne(
        { msgid: r.msgid },
        {
          $set: {
            reason,
            seq: r.seq,
            publickeyVer: r.publickey_ver,
            encryptRandomKey: r.encrypt_random_key,
            encryptChatMsg: r.encrypt_chat_msg,
          },
          $inc: { attempts: 1 },
        },
        { upsert: true },
      );
    },

    async openFailures(limit: number): Promise<(ChatDataRecord & { reason: string; attempts: number })[]> {
      const docs = await ChatArchiveFailure.find({ resolvedAt: null }).sort({ seq: 1 }).limit(limit).lean<
        {
          msgid: string;
          seq: number;
          publickeyVer: number;
          encryptRandomKey: string;
          encryptChatMsg: string;
          reason: string;
          attempts: number;
        }[]
      >();
      return docs.map((d) => ({
        seq: d.seq,
        msgid: d.msgid,
        publickey_ver: d.publickeyVer,
        encrypt_random_key: d.encryptRandomKey,
        encrypt_chat_msg: d.encryptChatMsg,
        reason: d.reason,
        attempts: d.attempts,
      }));
    },

    async countOpenFailures(): Promise<number> {
      return ChatArchiveFailure.countDocuments({ resolvedAt: null });
    },

    async resolveFailure(msgid: string, at: Date): Promise<void> {
      await ChatArchiveFailure.updateOne({ msgid }, { $set: { resolvedAt: at } });
    },

    /**
     * A customer's archived chat, newest first (the customer timeline). Takes the customer as read
     * through a scoped query (the caller proved it may see them); matches the stored link and, for
     * messages archived before the link existed, the customer's external_userid.
     */
    async messagesForCustomer(
      customer: { id: string; identities: { externalUserId: string | undefined } },
      opts: { limit: number; before?: Date | undefined },
    ): Promise<StoredArchiveMessage[]> {
      const who: Record<string, unknown>[] = [{ customerId: new Types.ObjectId(customer.id) }];
      if (customer.identities.externalUserId)
        who.push({ externalUserId: customer.identities.externalUserId });
      const q: Record<string, unknown> = who.length === 1 ? { ...who[0] } : { $or: who };
      if (opts.before) q.msgtime = { $lt: opts.before };
      const docs = await ChatArchiveMessage.find(q).sort({ msgtime: -1, _id: -1 }).limit(opts.limit).lean<
        (Omit<StoredArchiveMessage, 'agentId' | 'customerId'> & {
          agentId?: Types.ObjectId | null;
          customerId?: Types.ObjectId | null;
        })[]
      >();
      return docs.map((d) => ({
        msgid: d.msgid,
        seq: d.seq,
        action: d.action,
        from: d.from ?? undefined,
        tolist: d.tolist ?? [],
        roomid: d.roomid ?? undefined,
        msgtime: d.msgtime ?? undefined,
        msgtype: d.msgtype ?? undefined,
        text: d.text ?? undefined,
        agentId: d.agentId?.toString(),
        agentWecomUserId: d.agentWecomUserId ?? undefined,
        customerId: d.customerId?.toString(),
        externalUserId: d.externalUserId ?? undefined,
        fromStaff: d.fromStaff,
        publickeyVer: d.publickeyVer,
        hitCount: d.hitCount,
      }));
    },
  };
}
export type ArchiveRepository = ReturnType<typeof createArchiveRepository>;
