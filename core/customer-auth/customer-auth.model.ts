import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

// An invite code an agent gives a customer so their WeChat account can bind to the customer record.
// Only a keyed hash of the code is stored: a database reader cannot use the codes.
const inviteSchema = new Schema(
  {
    codeHash: { type: String, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    usedByOpenId: { type: String },
  },
  { timestamps: true },
);
inviteSchema.index({ codeHash: 1 }, { unique: true });
inviteSchema.index({ customerId: 1, createdAt: -1 });

// The mini-program identity of a customer: one WeChat openid logs in as exactly one customer record.
const bindingSchema = new Schema(
  {
    appId: { type: String, required: true },
    openId: { type: String, required: true },
    unionId: { type: String },
    customerId: { type: Schema.Types.ObjectId, required: true },
    method: { type: String, enum: ['invite', 'phone'], required: true },
    boundAt: { type: Date, required: true },
  },
  { timestamps: true },
);
bindingSchema.index({ appId: 1, openId: 1 }, { unique: true });
bindingSchema.index({ customerId: 1 });

// What the customer agreed to be notified about, per category (the jobs' notification outbox reads it
// through notification-preferences.ts: a category switched off → its messages are skipped `opted_out`).
// No row, or no value for a category (rows saved before it existed), means on.
const subscriptionSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    claimProgress: { type: Boolean, required: true, default: true },
    renewalReminder: { type: Boolean, required: true, default: true },
    careGreetings: { type: Boolean },
    channel: { type: String, enum: ['wechat_subscribe', 'sms'], required: true },
    /** weapp: template ids accepted in the last wx.requestSubscribeMessage (one-time grants). */
    acceptedTemplateIds: { type: [String], default: [] },
  },
  { timestamps: true },
);
subscriptionSchema.index({ customerId: 1 }, { unique: true });

// Photos attached to a claim the customer reported (small, compressed on the phone).
const claimPhotoSchema = new Schema(
  {
    claimId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    mime: { type: String, required: true },
    data: { type: Buffer, required: true },
    bytes: { type: Number, required: true },
  },
  { timestamps: true },
);
claimPhotoSchema.index({ claimId: 1, createdAt: 1 });

export type InviteDoc = InferSchemaType<typeof inviteSchema>;
export type BindingDoc = InferSchemaType<typeof bindingSchema>;
export type SubscriptionDoc = InferSchemaType<typeof subscriptionSchema>;

export function registerCustomerAuthModels(conn: Connection) {
  return {
    CustomerInvite: conn.model('CustomerInvite', inviteSchema) as Model<InviteDoc>,
    CustomerBinding: conn.model('CustomerBinding', bindingSchema) as Model<BindingDoc>,
    CustomerSubscription: conn.model('CustomerSubscription', subscriptionSchema) as Model<SubscriptionDoc>,
    ClaimPhoto: conn.model('ClaimPhoto', claimPhotoSchema),
  };
}
export type CustomerAuthModels = ReturnType<typeof registerCustomerAuthModels>;
