import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const CALLBACK_STATUSES = ['pending', 'processing', 'done', 'failed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

// One row per distinct callback. Written before the HTTP ack, so the ack means "stored"; the unique
// dedupeKey turns WeCom's retries (and replays) into no-ops.
const callbackSchema = new Schema(
  {
    dedupeKey: { type: String, required: true },
    type: { type: String, required: true },
    fromUserName: { type: String, required: true },
    agentId: { type: String },
    createTime: { type: Number, required: true },
    msgId: { type: String },
    // The parsed message as handlers receive it, and the decrypted XML it came from (for reprocessing).
    message: { type: Schema.Types.Mixed, required: true },
    xml: { type: String, required: true },
    status: { type: String, enum: CALLBACK_STATUSES, required: true, default: 'pending' },
    attempts: { type: Number, required: true, default: 0 },
    // Handlers that finished, so a retry after a crash or failure runs only the others.
    doneHandlers: { type: [String], default: [] },
    lastError: { type: String },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: { type: Date },
    duplicates: { type: Number, required: true, default: 0 },
    receivedAt: { type: Date, required: true },
    processedAt: { type: Date },
  },
  { minimize: false },
);
callbackSchema.index({ dedupeKey: 1 }, { unique: true });
callbackSchema.index({ status: 1, nextAttemptAt: 1 });
callbackSchema.index({ receivedAt: -1 });

// access_token cache shared by every process on the database (api, bot, jobs), one row per
// (kind, app id, secret fingerprint). The secret itself is never stored.
const accessTokenSchema = new Schema({
  key: { type: String, required: true },
  accessToken: { type: String },
  expiresAt: { type: Date },
  // Cross-process single flight: whoever holds an unexpired lease is fetching a new token.
  refreshLeaseUntil: { type: Date },
  refreshedAt: { type: Date },
});
accessTokenSchema.index({ key: 1 }, { unique: true });

// The customer-contact relationships WeCom reports (externalUserId ↔ our member), the identity edge
// the customer and lead domains join on.
const externalContactSchema = new Schema(
  {
    corpId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    userId: { type: String, required: true },
    status: { type: String, enum: ['active', 'deleted_by_customer', 'deleted_by_member'], required: true },
    state: { type: String },
    channel: { type: String },
    // From externalcontact/get: lets the customer domain match a WeChat user (unionid) to a customer.
    name: { type: String },
    unionid: { type: String },
    contactType: { type: Number },
    addedAt: { type: Date },
    removedAt: { type: Date },
  },
  { timestamps: true },
);
externalContactSchema.index({ corpId: 1, externalUserId: 1, userId: 1 }, { unique: true });
externalContactSchema.index({ userId: 1, status: 1 });

export type CallbackDoc = InferSchemaType<typeof callbackSchema>;
export type AccessTokenDoc = InferSchemaType<typeof accessTokenSchema>;
export type ExternalContactDoc = InferSchemaType<typeof externalContactSchema>;

/** Registers the WeCom integration's collections on a connection. */
export function registerWecomModels(conn: Connection) {
  return {
    WecomCallback: conn.model('WecomCallback', callbackSchema) as Model<CallbackDoc>,
    WecomAccessToken: conn.model('WecomAccessToken', accessTokenSchema) as Model<AccessTokenDoc>,
    WecomExternalContact: conn.model(
      'WecomExternalContact',
      externalContactSchema,
    ) as Model<ExternalContactDoc>,
  };
}
export type WecomModels = ReturnType<typeof registerWecomModels>;
