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
import type { INTERACTION_TYPES, InteractionModels } from './interaction.model.js';

export type InteractionType = (typeof INTERACTION_TYPES)[number];

export interface InteractionRecord {
  id: string;
  customerId: string;
  agentId: string;
  type: InteractionType;
  occurredAt: Date;
  summary: string;
  tags: string[];
  nextFollowUpDate: string | undefined;
  followUpTaskId: string | undefined;
  ownership: Ownership;
  createdAt: Date;
}

interface InteractionLean extends OwnershipDoc {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  agentId: Types.ObjectId;
  type: InteractionType;
  occurredAt: Date;
  summary: string;
  tags?: string[] | null;
  nextFollowUpDate?: string | null;
  followUpTaskId?: Types.ObjectId | null;
  createdAt: Date;
}

const toInteraction = (d: InteractionLean): InteractionRecord => ({
  id: d._id.toString(),
  customerId: d.customerId.toString(),
  agentId: d.agentId.toString(),
  type: d.type,
  occurredAt: d.occurredAt,
  summary: d.summary,
  tags: d.tags ?? [],
  nextFollowUpDate: d.nextFollowUpDate ?? undefined,
  followUpTaskId: d.followUpTaskId?.toString(),
  ownership: toOwnership(d),
  createdAt: d.createdAt,
});

export type NewInteraction = Omit<InteractionRecord, 'ownership' | 'createdAt'>;

/** Data access for interactions; every read takes the caller's scope. */
export function createInteractionRepository(models: InteractionModels) {
  const { Interaction } = models;
  return {
    newId: () => new Types.ObjectId().toString(),

    async insert(i: NewInteraction, ownership: Ownership): Promise<InteractionRecord> {
      const doc = await Interaction.create({
        ...i,
        _id: oid(i.id),
        customerId: oid(i.customerId),
        agentId: oid(i.agentId),
        followUpTaskId: i.followUpTaskId ? oid(i.followUpTaskId) : undefined,
        ...ownershipToDoc(ownership),
      });
      return toInteraction(doc.toObject<InteractionLean>());
    },

    async remove(id: string): Promise<void> {
      await Interaction.deleteOne({ _id: oid(id) });
    },

    async findById(scope: DataScope, id: string): Promise<InteractionRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Interaction.findOne({ ...scopeFilter(scope), _id: oid(id) }).lean<InteractionLean>();
      return d ? toInteraction(d) : undefined;
    },

    /** Newest first; `before` pages back through a long history. */
    async listForCustomer(
      scope: DataScope,
      customerId: string,
      limit: number,
      before?: Date,
    ): Promise<InteractionRecord[]> {
      const q: Record<string, unknown> = { ...scopeFilter(scope), customerId: oid(customerId) };
      if (before) q.occurredAt = { $lt: before };
      const docs = await Interaction.find(q)
        .sort({ occurredAt: -1, _id: -1 })
        .limit(limit)
        .lean<InteractionLean[]>();
      return docs.map(toInteraction);
    },

    async list(
      scope: DataScope,
      f: { customerId?: string | undefined; agentId?: string | undefined },
      page: { skip: number; limit: number },
    ): Promise<{ items: InteractionRecord[]; total: number }> {
      const q: Record<string, unknown> = { ...scopeFilter(scope) };
      if (f.customerId) q.customerId = oid(f.customerId);
      if (f.agentId) q.agentId = oid(f.agentId);
      const [docs, total] = await Promise.all([
        Interaction.find(q)
          .sort({ occurredAt: -1, _id: -1 })
          .skip(page.skip)
          .limit(page.limit)
          .lean<InteractionLean[]>(),
        Interaction.countDocuments(q),
      ]);
      return { items: docs.map(toInteraction), total };
    },

    async countForCustomer(scope: DataScope, customerId: string): Promise<number> {
      return Interaction.countDocuments({ ...scopeFilter(scope), customerId: oid(customerId) });
    },

    async reassign(customerIds: string[], to: Ownership): Promise<number> {
      return reassignByCustomers(Interaction, customerIds, to);
    },
  };
}
export type InteractionRepository = ReturnType<typeof createInteractionRepository>;
