import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ownershipFields } from './ownership.js';
import {
  FAMILY_RELATIONS,
  GENDERS,
  OCCUPATIONS,
  PHONE_LABELS,
  PREFERRED_CHANNELS,
  RISK_PREFERENCES,
  SOURCE_CHANNELS,
} from './customer.options.js';

const phoneSchema = new Schema(
  { number: { type: String, required: true }, label: { type: String, enum: PHONE_LABELS, required: true } },
  { _id: false },
);

const familySchema = new Schema(
  {
    relation: { type: String, enum: FAMILY_RELATIONS, required: true },
    name: { type: String, required: true },
    birthday: { type: String },
    // Stored so birthday jobs match "today" by equality (no date operators in pipelines).
    birthdayMd: { type: String },
    linkedCustomerId: { type: Schema.Types.ObjectId },
  },
  { _id: true },
);

const anniversarySchema = new Schema(
  { label: { type: String, required: true }, date: { type: String, required: true }, md: { type: String } },
  { _id: true },
);

const segmentationSchema = new Schema(
  {
    tier: { type: String, enum: ['high', 'medium', 'low'], required: true },
    book: { type: String, enum: ['general', 'screened', 'deal', 'select', 'core'], required: true },
    lifecycle: { type: String, enum: ['active', 'potential', 'dormant', 'churned'], required: true },
    propertyRisk: { type: String, enum: ['high', 'medium', 'low'] },
    rfm: {
      type: new Schema(
        {
          recencyDays: { type: Number },
          frequency: { type: Number, required: true },
          monetary: { type: Number, required: true },
          r: { type: Number, required: true },
          f: { type: Number, required: true },
          m: { type: Number, required: true },
          code: { type: String, required: true },
        },
        { _id: false },
      ),
    },
    reasons: {
      tier: { type: [String], default: [] },
      book: { type: [String], default: [] },
      lifecycle: { type: [String], default: [] },
      propertyRisk: { type: [String], default: [] },
      rfm: { type: [String], default: [] },
    },
    annualPremium: { type: Number, required: true },
    computedAt: { type: Date, required: true },
  },
  { _id: false },
);

const customerSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    // Search keys (FerretDB has no text index): pinyin initials and full pinyin.
    nameInitials: { type: String, required: true },
    namePinyin: { type: String, required: true },
    gender: { type: String, enum: GENDERS, required: true, default: 'unknown' },
    birthday: { type: String },
    birthdayMd: { type: String },
    occupation: { type: String, enum: OCCUPATIONS },
    phones: { type: [phoneSchema], default: [] },
    // Last four digits of every phone, for "尾号 1234" searches by index.
    phoneLast4: { type: [String], default: [] },
    // The ID number never reaches this collection in plaintext: ciphertext, keyed hash, masked form.
    idNumberEnc: { type: String },
    idNumberHash: { type: String },
    idNumberMasked: { type: String },
    address: { type: String },
    region: { type: String },
    identities: {
      corpId: { type: String },
      externalUserId: { type: String },
      unionid: { type: String },
      openid: { type: String },
    },
    family: { type: [familySchema], default: [] },
    anniversaries: { type: [anniversarySchema], default: [] },
    preferences: {
      channel: { type: String, enum: PREFERRED_CHANNELS },
      risk: { type: String, enum: RISK_PREFERENCES },
      contactTime: { type: String },
    },
    softInfo: {
      notes: { type: String, default: '' },
      tags: { type: [String], default: [] },
    },
    tags: { type: [String], default: [] },
    sourceChannel: { type: String, enum: SOURCE_CHANNELS, required: true, default: '其他' },
    referrerId: { type: Schema.Types.ObjectId },
    ...ownershipFields,
    segmentation: { type: segmentationSchema },
    lastInteractionAt: { type: Date },
  },
  { timestamps: true },
);
customerSchema.index({ ownerId: 1, updatedAt: -1 });
customerSchema.index({ teamId: 1, updatedAt: -1 });
customerSchema.index({ branchId: 1, updatedAt: -1 });
customerSchema.index({ nameInitials: 1 });
customerSchema.index({ idNumberHash: 1 });
customerSchema.index({ referrerId: 1 });
customerSchema.index({ 'identities.unionid': 1 });
customerSchema.index({ 'identities.externalUserId': 1 });
customerSchema.index({ birthdayMd: 1 });

// One phone belongs to one customer. A separate collection keeps the unique key on an always-present
// field (FerretDB has no partial/sparse indexes, and unique multikey indexes are not portable).
const customerPhoneKeySchema = new Schema({
  phone: { type: String, required: true },
  customerId: { type: Schema.Types.ObjectId, required: true },
});
customerPhoneKeySchema.index({ phone: 1 }, { unique: true });
customerPhoneKeySchema.index({ customerId: 1 });

export type CustomerDoc = InferSchemaType<typeof customerSchema>;
export type CustomerPhoneKeyDoc = InferSchemaType<typeof customerPhoneKeySchema>;

/** Registers the customer models on a connection. */
export function registerCustomerModels(conn: Connection) {
  return {
    Customer: conn.model('Customer', customerSchema) as Model<CustomerDoc>,
    CustomerPhoneKey: conn.model(
      'CustomerPhoneKey',
      customerPhoneKeySchema,
      'customer_phone_keys',
    ) as Model<CustomerPhoneKeyDoc>,
  };
}
export type CustomerModels = ReturnType<typeof registerCustomerModels>;
