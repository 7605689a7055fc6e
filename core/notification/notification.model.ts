import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const CHANNELS = [
  'agent_app',
  'customer_subscribe',
  'customer_wecom',
  'customer_wecom_remind',
  'manager_digest',
] as const;
/**
 * Where a notification goes: an agent's WeCom app message, a customer's mini-program subscribe
 * message, a WeCom customer message prepared for the agent to confirm (add_msg_template), a nudge to
 * the agent to confirm one (remind_groupmsg_send), or a manager's daily digest (an app message, paced
 * and counted separately).
 */
export type Channel = (typeof CHANNELS)[number];

export const STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type NotificationStatus = (typeof STATUSES)[number];

export const SKIP_REASONS = [
  'unsubscribed',
  'no_binding',
  'monthly_cap',
  'compliance_block',
  'expired',
  'recipient_inactive',
  'opted_out',
  'already_handled',
] as const;
/** Why a notification was not sent, kept so support can answer "why did the customer get nothing?". */
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * What became of a WeCom customer message after add_msg_template (get_groupmsg_send_result):
 * `awaiting` the agent's confirmation; `sent` by the agent; `not_sent` (not confirmed before the
 * follow-up window closed); `not_friend` (status 2: the customer is no longer the agent's contact);
 * `customer_limit` (status 3: the customer already had this month's mass messages).
 */
export const GROUP_SEND_STATES = ['awaiting', 'sent', 'not_sent', 'not_friend', 'customer_limit'] as const;
export type GroupSendState = (typeof GROUP_SEND_STATES)[number];

const notificationSchema = new Schema(
  {
    // The exactly-once guarantee: one row per business fact (e.g. renewal:<policyId>:<expiry>:30d:agent),
    // written before anything is sent, under a unique index.
    dedupeKey: { type: String, required: true },
    kind: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    urgent: { type: Boolean, required: true, default: false },
    to: {
      userId: { type: Schema.Types.ObjectId },
      customerId: { type: Schema.Types.ObjectId },
      wecomUserId: { type: String },
      openid: { type: String },
      externalUserId: { type: String },
      // add_msg_template is sent on behalf of the owning agent, who confirms it in WeCom.
      senderWecomUserId: { type: String },
    },
    // Scope fields copied from the owning agent at enqueue time, so listing is a plain indexed query.
    ownerUserId: { type: Schema.Types.ObjectId },
    teamId: { type: Schema.Types.ObjectId },
    branchId: { type: Schema.Types.ObjectId },
    message: {
      format: { type: String, enum: ['text', 'markdown', 'template_card', 'subscribe'], required: true },
      text: { type: String },
      // Subscribe messages: template id, page and key → value data; cards: the card body.
      templateId: { type: String },
      page: { type: String },
      data: { type: Schema.Types.Mixed },
    },
    related: { type: { type: String }, id: { type: String } },
    status: { type: String, enum: STATUSES, required: true, default: 'pending' },
    skipReason: { type: String, enum: SKIP_REASONS },
    notBefore: { type: Date, required: true },
    nextAttemptAt: { type: Date },
    expiresAt: { type: Date },
    attempts: { type: Number, required: true, default: 0 },
    // Monotonic claim number: each claim inserts NotificationClaim `<id>#<claimSeq+1>` (see below).
    claimSeq: { type: Number, required: true, default: 0 },
    lockedBy: { type: String },
    lockedUntil: { type: Date },
    lastError: { type: String },
    deferredReason: { type: String },
    providerMsgId: { type: String },
    // customer_wecom only: the agent's confirmation, followed by the groupmsg follow-up job.
    groupSend: {
      state: { type: String, enum: GROUP_SEND_STATES },
      // The monthly-cap unit this message holds; given back when the customer did not receive it.
      capSlot: { type: String },
      checkedAt: { type: Date },
      // send_time reported by WeCom when the agent sent it.
      deliveredAt: { type: Date },
      finalAt: { type: Date },
    },
    sentAt: { type: Date },
    finishedAt: { type: Date },
  },
  { timestamps: true },
);
notificationSchema.index({ dedupeKey: 1 }, { unique: true });
notificationSchema.index({ status: 1, nextAttemptAt: 1 });
notificationSchema.index({ status: 1, lockedUntil: 1 });
notificationSchema.index({ ownerUserId: 1, createdAt: -1 });
notificationSchema.index({ teamId: 1, createdAt: -1 });
notificationSchema.index({ branchId: 1, createdAt: -1 });
notificationSchema.index({ 'to.userId': 1, createdAt: -1 });
notificationSchema.index({ 'to.customerId': 1, createdAt: -1 });
notificationSchema.index({ kind: 1, 'related.id': 1 });
notificationSchema.index({ 'groupSend.state': 1, 'groupSend.checkedAt': 1 });

// Claims and capped counters are built on inserts under a unique _id, never on conditional updates:
// FerretDB's findAndModify/update are not atomic under concurrency (two workers both "win" a
// conditional update), while a unique-index violation is enforced by the storage engine.
const claimSchema = new Schema({
  _id: { type: String, required: true },
  worker: { type: String, required: true },
  at: { type: Date, required: true },
});
claimSchema.index({ at: 1 });

// One document per unit taken from a capped window (monthly customer quota, per-member pacing):
// `<key>#<n>` for n = 1..cap, so the cap can never be overshot by racing workers.
const slotSchema = new Schema({
  _id: { type: String, required: true },
  key: { type: String, required: true },
  expiresAt: { type: Date, required: true },
});
slotSchema.index({ key: 1 });
slotSchema.index({ expiresAt: 1 });

// Where a polling consumer (e.g. claim events) has got to; advanced only after its work is enqueued.
const cursorSchema = new Schema(
  {
    _id: { type: String, required: true },
    position: { type: String, required: true },
  },
  { timestamps: true },
);

export type NotificationDoc = InferSchemaType<typeof notificationSchema>;
export type ClaimDoc = InferSchemaType<typeof claimSchema>;
export type SlotDoc = InferSchemaType<typeof slotSchema>;
export type CursorDoc = InferSchemaType<typeof cursorSchema>;

/** Registers the outbox, its claims, capped-window slots and consumer cursors on a connection. */
export function registerNotificationModels(conn: Connection) {
  return {
    Notification: conn.model('Notification', notificationSchema) as Model<NotificationDoc>,
    NotificationClaim: conn.model('NotificationClaim', claimSchema) as Model<ClaimDoc>,
    NotificationSlot: conn.model('NotificationSlot', slotSchema) as Model<SlotDoc>,
    JobCursor: conn.model('JobCursor', cursorSchema) as Model<CursorDoc>,
  };
}
export type NotificationModels = ReturnType<typeof registerNotificationModels>;
