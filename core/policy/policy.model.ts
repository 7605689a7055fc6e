import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ownershipFields } from '../customer/ownership.js';

export const POLICY_LINES = [
  '重疾',
  '医疗',
  '意外',
  '寿险',
  '年金',
  '增额寿',
  '车险',
  '财产险',
  '其他',
] as const;
export const PAYMENT_FREQUENCIES = ['annual', 'semiannual', 'quarterly', 'monthly', 'single'] as const;
export const POLICY_STATUSES = ['in_force', 'lapsed', 'surrendered', 'expired', 'renewed'] as const;
export const RENEWAL_OUTCOMES = ['pending', 'renewed', 'not_renewed', 'switched_insurer'] as const;

const beneficiarySchema = new Schema(
  { name: { type: String, required: true }, relation: { type: String }, sharePercent: { type: Number } },
  { _id: false },
);

const policySchema = new Schema(
  {
    number: { type: String, required: true, trim: true },
    insurer: { type: String, required: true, trim: true },
    product: { type: String, required: true, trim: true },
    line: { type: String, enum: POLICY_LINES, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    applicantName: { type: String, required: true },
    insuredName: { type: String, required: true },
    insuredCustomerId: { type: Schema.Types.ObjectId },
    beneficiaries: { type: [beneficiarySchema], default: [] },
    sumInsured: { type: Number, required: true },
    premium: { type: Number, required: true },
    paymentFrequency: { type: String, enum: PAYMENT_FREQUENCIES, required: true },
    paymentTermYears: { type: Number },
    // Business dates, 'YYYY-MM-DD' in Asia/Shanghai: range queries by string compare.
    effectiveDate: { type: String, required: true },
    expiryDate: { type: String, required: true },
    status: { type: String, enum: POLICY_STATUSES, required: true, default: 'in_force' },
    renewalOutcome: { type: String, enum: RENEWAL_OUTCOMES },
    ...ownershipFields,
  },
  { timestamps: true },
);
// A policy number is unique per insurer (two insurers may issue the same number).
policySchema.index({ insurer: 1, number: 1 }, { unique: true });
policySchema.index({ number: 1 });
policySchema.index({ customerId: 1, expiryDate: 1 });
policySchema.index({ ownerId: 1, expiryDate: 1 });
policySchema.index({ teamId: 1, expiryDate: 1 });
policySchema.index({ branchId: 1, expiryDate: 1 });
// renewals.scan selects by status and expiry window across all owners: without this MongoDB scans.
policySchema.index({ status: 1, expiryDate: 1 });

export type PolicyDoc = InferSchemaType<typeof policySchema>;

export function registerPolicyModels(conn: Connection) {
  return { Policy: conn.model('Policy', policySchema) as Model<PolicyDoc> };
}
export type PolicyModels = ReturnType<typeof registerPolicyModels>;
