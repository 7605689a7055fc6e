import { Schema, type Connection, type Model } from 'mongoose';
import type { BotReply } from './types.js';

interface PendingDoc {
  userId: string;
  action: unknown;
  candidates: { id: string; label: string }[];
  expiresAt: Date;
}
interface TurnDoc {
  key: string;
  userId: string;
  // Stored as Mixed and typed on read: declaring the nested BotReply union here makes mongoose 9 expand
  // every dotted path of it in its update types, which took tsc minutes and gigabytes.
  replies?: unknown;
  done: boolean;
}
interface BindingDoc {
  contactId: string;
  userId: string;
  createdBy: string;
  createdAt?: Date;
}

// The bot's own collections. They are registered on the shared connection by the bot (not in
// core/db) because only the bot and its admin route read them.

/** A question the bot asked one user (a numbered list); answered by `2`, gone after `expiresAt`. */
const pendingSchema = new Schema<PendingDoc>(
  {
    userId: { type: String, required: true, unique: true },
    action: { type: Schema.Types.Mixed, required: true },
    candidates: [{ _id: false, id: String, label: String }],
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true },
);

/** One handled inbound message (WeCom MsgId, card click): its replies, so a retried callback does not act twice. */
const turnSchema = new Schema<TurnDoc>(
  {
    key: { type: String, required: true, unique: true },
    userId: { type: String, required: true },
    replies: { type: Schema.Types.Mixed },
    done: { type: Boolean, required: true, default: false },
  },
  { timestamps: true },
);

/** wechaty contact → Qibao user, set by an admin. */
const bindingSchema = new Schema<BindingDoc>(
  {
    contactId: { type: String, required: true, unique: true },
    userId: { type: String, required: true },
    createdBy: { type: String, required: true },
  },
  { timestamps: true },
);

export function botModels(conn: Connection) {
  // Registered once per connection (the api and the bot may both ask for them).
  const get = (name: string, schema: Schema, collection: string) =>
    conn.models[name] ?? conn.model(name, schema, collection);
  return {
    BotPending: get('BotPending', pendingSchema, 'bot_pending') as Model<PendingDoc>,
    BotTurn: get('BotTurn', turnSchema, 'bot_turns') as Model<TurnDoc>,
    BotBinding: get('BotBinding', bindingSchema, 'bot_bindings') as Model<BindingDoc>,
  };
}
export type BotModels = ReturnType<typeof botModels>;

const isDuplicate = (err: unknown) =>
  typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000;

/** Pending questions, one per user, persisted so a restart or a second bot process can answer `2`. */
export function createPendingStore(m: BotModels, clock: () => Date, ttlMs: number) {
  return {
    async put(userId: string, action: unknown, candidates: { id: string; label: string }[]): Promise<void> {
      await m.BotPending.updateOne(
        { userId },
        { $set: { action, candidates, expiresAt: new Date(clock().getTime() + ttlMs) } },
        { upsert: true },
      );
    },
    /** The user's own pending question, if it has not expired. */
    async get(
      userId: string,
    ): Promise<{ action: unknown; candidates: { id: string; label: string }[] } | undefined> {
      const doc = await m.BotPending.findOne({ userId }).lean<PendingDoc>();
      if (!doc || doc.expiresAt.getTime() <= clock().getTime()) return undefined;
      return { action: doc.action, candidates: doc.candidates };
    },
    async clear(userId: string): Promise<void> {
      await m.BotPending.deleteMany({ userId });
    },
  };
}
export type PendingStore = ReturnType<typeof createPendingStore>;

/**
 * Exactly-once turns: the first run of a key claims it with a unique insert (FerretDB's findAndModify
 * is not atomic under concurrency) and stores its replies; a rerun gets the stored replies instead of
 * acting again, or `interrupted` when the first run died between acting and storing.
 */
export function createTurnStore(m: BotModels) {
  return {
    async run(
      key: string,
      userId: string,
      work: () => Promise<BotReply[]>,
    ): Promise<{ replies: BotReply[]; repeated: boolean; interrupted: boolean }> {
      try {
        await m.BotTurn.create({ key, userId, done: false });
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        const prior = await m.BotTurn.findOne({ key }).lean<TurnDoc>();
        if (prior?.done && Array.isArray(prior.replies))
          return { replies: prior.replies as BotReply[], repeated: true, interrupted: false };
        return { replies: [], repeated: true, interrupted: true };
      }
      const replies = await work();
      await m.BotTurn.updateOne({ key }, { $set: { replies, done: true } });
      return { replies, repeated: false, interrupted: false };
    },
  };
}

/** Admin-set bindings of wechaty contacts to Qibao users. */
export function createBindingStore(m: BotModels) {
  return {
    async userIdFor(contactId: string): Promise<string | undefined> {
      const b = await m.BotBinding.findOne({ contactId }).lean<BindingDoc>();
      return b?.userId;
    },
    async bind(contactId: string, userId: string, createdBy: string): Promise<void> {
      await m.BotBinding.updateOne({ contactId }, { $set: { userId, createdBy } }, { upsert: true });
    },
    async unbind(contactId: string): Promise<boolean> {
      const r = await m.BotBinding.deleteMany({ contactId });
      return r.deletedCount > 0;
    },
    async list(): Promise<{ contactId: string; userId: string; createdBy: string }[]> {
      const docs = await m.BotBinding.find({}).sort({ contactId: 1 }).limit(1000).lean<BindingDoc[]>();
      return docs.map((d) => ({ contactId: d.contactId, userId: d.userId, createdBy: d.createdBy }));
    },
  };
}
export type BindingStore = ReturnType<typeof createBindingStore>;
