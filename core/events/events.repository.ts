import type { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import { isDuplicateKeyError } from '../db/errors.js';
import {
  oid,
  ownershipToDoc,
  scopeFilter,
  toOwnership,
  type Ownership,
  type OwnershipDoc,
  reassignByCustomers,
} from '../customer/ownership.js';
import type { DOMAIN_EVENT_TYPES, EventModels } from './events.model.js';

export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  id: string;
  type: DomainEventType;
  dedupeKey: string;
  occurredAt: Date;
  actorId: string;
  customerId: string;
  ownership: Ownership;
  aggregateType: 'claim' | 'policy';
  aggregateId: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'processed' | 'failed';
  attempts: number;
}

interface EventLean extends OwnershipDoc {
  _id: Types.ObjectId;
  type: DomainEventType;
  dedupeKey: string;
  occurredAt: Date;
  actorId: string;
  customerId: Types.ObjectId;
  aggregateType: 'claim' | 'policy';
  aggregateId: Types.ObjectId;
  payload: Record<string, unknown>;
  status: 'pending' | 'processed' | 'failed';
  attempts: number;
}

const toEvent = (d: EventLean): DomainEvent => ({
  id: d._id.toString(),
  type: d.type,
  dedupeKey: d.dedupeKey,
  occurredAt: d.occurredAt,
  actorId: d.actorId,
  customerId: d.customerId.toString(),
  ownership: toOwnership(d),
  aggregateType: d.aggregateType,
  aggregateId: d.aggregateId.toString(),
  payload: d.payload,
  status: d.status,
  attempts: d.attempts,
});

export type NewDomainEvent = Omit<DomainEvent, 'id' | 'status' | 'attempts'>;

/** The persisted domain-event outbox. */
export function createEventRepository(models: EventModels) {
  const { DomainEvent } = models;
  return {
    /**
     * Inserts once per dedupe key: true when this call inserted it, false when the key already existed
     * (a retry, or another writer that claimed the same key first — the unique index decides).
     */
    async append(e: NewDomainEvent): Promise<boolean> {
      try {
        await DomainEvent.create({
          ...e,
          ...ownershipToDoc(e.ownership),
          customerId: oid(e.customerId),
          aggregateId: oid(e.aggregateId),
          status: 'pending',
          attempts: 0,
        });
        return true;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        return false;
      }
    },

    /** All events of one aggregate (e.g. a claim), oldest first; bounded. */
    async listForAggregate(aggregateId: string, limit = 200): Promise<DomainEvent[]> {
      const docs = await DomainEvent.find({ aggregateId: oid(aggregateId) })
        .sort({ occurredAt: 1, _id: 1 })
        .limit(limit)
        .lean<EventLean[]>();
      return docs.map(toEvent);
    },

    /** A customer's events, newest first (timeline). Scoped like every customer-owned read. */
    async listForCustomer(
      scope: DataScope,
      customerId: string,
      limit: number,
      before?: Date,
    ): Promise<DomainEvent[]> {
      const q: Record<string, unknown> = { ...scopeFilter(scope), customerId: oid(customerId) };
      if (before) q.occurredAt = { $lt: before };
      const docs = await DomainEvent.find(q)
        .sort({ occurredAt: -1, _id: -1 })
        .limit(limit)
        .lean<EventLean[]>();
      return docs.map(toEvent);
    },

    /** Oldest pending events first, for the worker that turns them into notifications (jobs issue). */
    async listPending(limit: number): Promise<DomainEvent[]> {
      const docs = await DomainEvent.find({ status: 'pending' })
        .sort({ occurredAt: 1, _id: 1 })
        .limit(limit)
        .lean<EventLean[]>();
      return docs.map(toEvent);
    },

    async markProcessed(id: string, at: Date): Promise<void> {
      await DomainEvent.updateOne(
        { _id: oid(id), status: 'pending' },
        { $set: { status: 'processed', processedAt: at }, $inc: { attempts: 1 } },
      );
    },

    /** Handover: events follow their customers to the new owner. */
    async reassign(customerIds: string[], to: Ownership): Promise<number> {
      return reassignByCustomers(DomainEvent, customerIds, to);
    },
  };
}
export type EventRepository = ReturnType<typeof createEventRepository>;
