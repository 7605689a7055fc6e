import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ownershipFields } from '../customer/ownership.js';
import { CLAIM_STATUSES } from './claim.status.js';

const timelineEntrySchema = new Schema(
  {
    seq: { type: Number, required: true },
    from: { type: String, enum: CLAIM_STATUSES },
    to: { type: String, enum: CLAIM_STATUSES, required: true },
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    actorName: { type: String },
    note: { type: String },
  },
  { _id: false },
);

const claimSchema = new Schema(
  {
    number: { type: String, required: true, trim: true },
    policyId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    claimantName: { type: String, required: true },
    incidentDate: { type: String, required: true },
    description: { type: String, default: '' },
    amountClaimed: { type: Number, required: true },
    amountPaid: { type: Number },
    status: { type: String, enum: CLAIM_STATUSES, required: true },
    timeline: { type: [timelineEntrySchema], default: [] },
    ...ownershipFields,
  },
  { timestamps: true },
);
claimSchema.index({ number: 1 }, { unique: true });
claimSchema.index({ customerId: 1, createdAt: -1 });
claimSchema.index({ ownerId: 1, status: 1 });
claimSchema.index({ teamId: 1, status: 1 });
claimSchema.index({ branchId: 1, status: 1 });

export type ClaimDoc = InferSchemaType<typeof claimSchema>;

export function registerClaimModels(conn: Connection) {
  return { Claim: conn.model('Claim', claimSchema) as Model<ClaimDoc> };
}
export type ClaimModels = ReturnType<typeof registerClaimModels>;
