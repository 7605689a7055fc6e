import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ownershipFields } from '../customer/ownership.js';

export const DOMAIN_EVENT_TYPES = [
  'claim.reported',
  'claim.transitioned',
  'policy.created',
  'policy.status_changed',
] as const;

// The outbox: written right after the state change it describes, read by the jobs worker (notifications)
// and by the customer timeline. A unique dedupe key makes a retried write land once.
const domainEventSchema = new Schema({
  type: { type: String, enum: DOMAIN_EVENT_TYPES, required: true },
  dedupeKey: { type: String, required: true },
  occurredAt: { type: Date, required: true },
  actorId: { type: String, required: true },
  customerId: { type: Schema.Types.ObjectId, required: true },
  ...ownershipFields,
  aggregateType: { type: String, required: true },
  aggregateId: { type: Schema.Types.ObjectId, required: true },
  payload: { type: Schema.Types.Mixed, required: true },
  status: { type: String, enum: ['pending', 'processed', 'failed'], required: true, default: 'pending' },
  attempts: { type: Number, required: true, default: 0 },
  processedAt: { type: Date },
  lastError: { type: String },
});
domainEventSchema.index({ dedupeKey: 1 }, { unique: true });
domainEventSchema.index({ status: 1, occurredAt: 1 });
domainEventSchema.index({ customerId: 1, occurredAt: -1 });

export type DomainEventDoc = InferSchemaType<typeof domainEventSchema>;

export function registerEventModels(conn: Connection) {
  return {
    DomainEvent: conn.model('DomainEvent', domainEventSchema, 'domain_events') as Model<DomainEventDoc>,
  };
}
export type EventModels = ReturnType<typeof registerEventModels>;
