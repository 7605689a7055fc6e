import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ownershipFields } from '../customer/ownership.js';
import { TICKET_TYPES, TICKET_URGENCIES } from './ticket.sla.js';

export const TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;

const ticketSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, enum: TICKET_TYPES, required: true },
    urgency: { type: String, enum: TICKET_URGENCIES, required: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    // The team queue the ticket is routed to (the customer's team); teamId in ownership is the same.
    queueTeamId: { type: Schema.Types.ObjectId },
    assigneeId: { type: Schema.Types.ObjectId },
    status: { type: String, enum: TICKET_STATUSES, required: true, default: 'open' },
    openedAt: { type: Date, required: true },
    slaHours: { type: Number, required: true },
    slaDueAt: { type: Date, required: true },
    resolvedAt: { type: Date },
    resolution: { type: String },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    ...ownershipFields,
  },
  { timestamps: true },
);
ticketSchema.index({ queueTeamId: 1, status: 1, slaDueAt: 1 });
ticketSchema.index({ ownerId: 1, status: 1, slaDueAt: 1 });
ticketSchema.index({ teamId: 1, status: 1, slaDueAt: 1 });
ticketSchema.index({ branchId: 1, status: 1, slaDueAt: 1 });
ticketSchema.index({ customerId: 1, status: 1 });

export type TicketDoc = InferSchemaType<typeof ticketSchema>;

export function registerTicketModels(conn: Connection) {
  return { Ticket: conn.model('Ticket', ticketSchema) as Model<TicketDoc> };
}
export type TicketModels = ReturnType<typeof registerTicketModels>;
