import { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import {
  oid,
  ownershipToDoc,
  scopeFilter,
  toOwnership,
  type Ownership,
  type OwnershipDoc,
  reassignByCustomers,
} from '../customer/ownership.js';
import type { TICKET_STATUSES, TicketModels } from './ticket.model.js';
import type { TicketType, TicketUrgency } from './ticket.sla.js';

export type TicketStatus = (typeof TICKET_STATUSES)[number];

export interface TicketRecord {
  id: string;
  customerId: string;
  type: TicketType;
  urgency: TicketUrgency;
  title: string;
  description: string;
  queueTeamId: string | undefined;
  assigneeId: string | undefined;
  status: TicketStatus;
  openedAt: Date;
  slaHours: number;
  slaDueAt: Date;
  resolvedAt: Date | undefined;
  resolution: string | undefined;
  createdBy: string;
  ownership: Ownership;
  createdAt: Date;
  updatedAt: Date;
}

type Opt<T> = T | null | undefined;
interface TicketLean extends OwnershipDoc {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  type: TicketType;
  urgency: TicketUrgency;
  title: string;
  description?: Opt<string>;
  queueTeamId?: Opt<Types.ObjectId>;
  assigneeId?: Opt<Types.ObjectId>;
  status: TicketStatus;
  openedAt: Date;
  slaHours: number;
  slaDueAt: Date;
  resolvedAt?: Opt<Date>;
  resolution?: Opt<string>;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const toTicket = (d: TicketLean): TicketRecord => ({
  id: d._id.toString(),
  customerId: d.customerId.toString(),
  type: d.type,
  urgency: d.urgency,
  title: d.title,
  description: d.description ?? '',
  queueTeamId: d.queueTeamId?.toString(),
  assigneeId: d.assigneeId?.toString(),
  status: d.status,
  openedAt: d.openedAt,
  slaHours: d.slaHours,
  slaDueAt: d.slaDueAt,
  resolvedAt: d.resolvedAt ?? undefined,
  resolution: d.resolution ?? undefined,
  createdBy: d.createdBy.toString(),
  ownership: toOwnership(d),
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export type NewTicket = Omit<
  TicketRecord,
  'id' | 'ownership' | 'createdAt' | 'updatedAt' | 'resolvedAt' | 'resolution' | 'status'
>;

const OPEN: TicketStatus[] = ['open', 'in_progress'];

/** Data access for tickets; every read takes the caller's scope. */
export function createTicketRepository(models: TicketModels) {
  const { Ticket } = models;
  return {
    async insert(t: NewTicket, ownership: Ownership): Promise<TicketRecord> {
      const doc = await Ticket.create({
        ...t,
        customerId: oid(t.customerId),
        queueTeamId: t.queueTeamId ? oid(t.queueTeamId) : undefined,
        assigneeId: t.assigneeId ? oid(t.assigneeId) : undefined,
        createdBy: oid(t.createdBy),
        status: 'open',
        ...ownershipToDoc(ownership),
      });
      return toTicket(doc.toObject<TicketLean>());
    },

    async findById(scope: DataScope, id: string): Promise<TicketRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Ticket.findOne({ ...scopeFilter(scope), _id: oid(id) }).lean<TicketLean>();
      return d ? toTicket(d) : undefined;
    },

    async list(
      scope: DataScope,
      f: {
        status?: TicketStatus | undefined;
        customerId?: string | undefined;
        queueTeamId?: string | undefined;
        /** Open and past due at `now`. */
        overdueAt?: Date | undefined;
      },
      page: { skip: number; limit: number },
    ): Promise<{ items: TicketRecord[]; total: number }> {
      const q: Record<string, unknown> = { ...scopeFilter(scope) };
      if (f.status) q.status = f.status;
      if (f.customerId) q.customerId = oid(f.customerId);
      if (f.queueTeamId) q.queueTeamId = oid(f.queueTeamId);
      if (f.overdueAt) {
        q.slaDueAt = { $lt: f.overdueAt };
        if (!f.status) q.status = { $in: OPEN };
      }
      const [docs, total] = await Promise.all([
        Ticket.find(q).sort({ slaDueAt: 1, _id: 1 }).skip(page.skip).limit(page.limit).lean<TicketLean[]>(),
        Ticket.countDocuments(q),
      ]);
      return { items: docs.map(toTicket), total };
    },

    async openForCustomer(scope: DataScope, customerId: string, limit = 50): Promise<TicketRecord[]> {
      const docs = await Ticket.find({
        ...scopeFilter(scope),
        customerId: oid(customerId),
        status: { $in: OPEN },
      })
        .sort({ slaDueAt: 1 })
        .limit(limit)
        .lean<TicketLean[]>();
      return docs.map(toTicket);
    },

    async update(
      scope: DataScope,
      id: string,
      set: Partial<Pick<TicketRecord, 'status' | 'resolvedAt' | 'resolution' | 'assigneeId'>>,
    ): Promise<TicketRecord | undefined> {
      const { assigneeId, ...rest } = set;
      const d = await Ticket.findOneAndUpdate(
        { ...scopeFilter(scope), _id: oid(id) },
        { $set: { ...rest, ...(assigneeId ? { assigneeId: oid(assigneeId) } : {}) } },
        { returnDocument: 'after' },
      ).lean<TicketLean>();
      return d ? toTicket(d) : undefined;
    },

    async reassign(customerIds: string[], to: Ownership): Promise<number> {
      return reassignByCustomers(Ticket, customerIds, to, {
        queueTeamId: to.teamId ? oid(to.teamId) : undefined,
      });
    },
  };
}
export type TicketRepository = ReturnType<typeof createTicketRepository>;
