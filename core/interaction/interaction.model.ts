import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ownershipFields } from '../customer/ownership.js';

export const INTERACTION_TYPES = ['call', 'visit', 'wechat', 'meeting', 'sms', 'email'] as const;

const interactionSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    // Who talked to the customer; kept through handover (history stays true), unlike ownerId.
    agentId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, enum: INTERACTION_TYPES, required: true },
    occurredAt: { type: Date, required: true },
    summary: { type: String, required: true },
    tags: { type: [String], default: [] },
    nextFollowUpDate: { type: String },
    followUpTaskId: { type: Schema.Types.ObjectId },
    ...ownershipFields,
  },
  { timestamps: true },
);
interactionSchema.index({ customerId: 1, occurredAt: -1 });
interactionSchema.index({ ownerId: 1, occurredAt: -1 });
interactionSchema.index({ teamId: 1, occurredAt: -1 });
interactionSchema.index({ branchId: 1, occurredAt: -1 });

export type InteractionDoc = InferSchemaType<typeof interactionSchema>;

export function registerInteractionModels(conn: Connection) {
  return { Interaction: conn.model('Interaction', interactionSchema) as Model<InteractionDoc> };
}
export type InteractionModels = ReturnType<typeof registerInteractionModels>;
