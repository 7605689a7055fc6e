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
import type { ClaimModels } from './claim.model.js';
import type { ClaimStatus } from './claim.status.js';

export interface ClaimTimelineEntry {
  seq: number;
  from: ClaimStatus | undefined;
  to: ClaimStatus;
  at: Date;
  actorId: string;
  actorName: string | undefined;
  note: string | undefined;
}

export interface ClaimRecord {
  id: string;
  number: string;
  policyId: string;
  customerId: string;
  claimantName: string;
  incidentDate: string;
  description: string;
  amountClaimed: number;
  amountPaid: number | undefined;
  status: ClaimStatus;
  timeline: ClaimTimelineEntry[];
  ownership: Ownership;
  createdAt: Date;
  updatedAt: Date;
}

type Opt<T> = T | null | undefined;
interface ClaimLean extends OwnershipDoc {
  _id: Types.ObjectId;
  number: string;
  policyId: Types.ObjectId;
  customerId: Types.ObjectId;
  claimantName: string;
  incidentDate: string;
  description?: Opt<string>;
  amountClaimed: number;
  amountPaid?: Opt<number>;
  status: ClaimStatus;
  timeline?: Opt<
    {
      seq: number;
      from?: Opt<ClaimStatus>;
      to: ClaimStatus;
      at: Date;
      actorId: string;
      actorName?: Opt<string>;
      note?: Opt<string>;
    }[]
  >;
  createdAt: Date;
  updatedAt: Date;
}

const toClaim = (d: ClaimLean): ClaimRecord => ({
  id: d._id.toString(),
  number: d.number,
  policyId: d.policyId.toString(),
  customerId: d.customerId.toString(),
  claimantName: d.claimantName,
  incidentDate: d.incidentDate,
  description: d.description ?? '',
  amountClaimed: d.amountClaimed,
  amountPaid: d.amountPaid ?? undefined,
  status: d.status,
  timeline: (d.timeline ?? []).map((t) => ({
    seq: t.seq,
    from: t.from ?? undefined,
    to: t.to,
    at: t.at,
    actorId: t.actorId,
    actorName: t.actorName ?? undefined,
    note: t.note ?? undefined,
  })),
  ownership: toOwnership(d),
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export type NewClaim = Omit<ClaimRecord, 'id' | 'ownership' | 'createdAt' | 'updatedAt' | 'amountPaid'>;

/** Data access for claims; every read takes the caller's scope. */
export function createClaimRepository(models: ClaimModels) {
  const { Claim } = models;
  return {
    async insert(c: NewClaim, ownership: Ownership): Promise<ClaimRecord> {
      const doc = await Claim.create({
        ...c,
        policyId: oid(c.policyId),
        customerId: oid(c.customerId),
        ...ownershipToDoc(ownership),
      });
      return toClaim(doc.toObject<ClaimLean>());
    },

    async findById(scope: DataScope, id: string): Promise<ClaimRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Claim.findOne({ ...scopeFilter(scope), _id: oid(id) }).lean<ClaimLean>();
      return d ? toClaim(d) : undefined;
    },

    async listForCustomer(scope: DataScope, customerId: string, limit = 100): Promise<ClaimRecord[]> {
      const docs = await Claim.find({ ...scopeFilter(scope), customerId: oid(customerId) })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<ClaimLean[]>();
      return docs.map(toClaim);
    },

    async list(
      scope: DataScope,
      f: { customerId?: string | undefined; status?: ClaimStatus | undefined },
      page: { skip: number; limit: number },
    ): Promise<{ items: ClaimRecord[]; total: number }> {
      const q: Record<string, unknown> = { ...scopeFilter(scope) };
      if (f.customerId) q.customerId = oid(f.customerId);
      if (f.status) q.status = f.status;
      const [docs, total] = await Promise.all([
        Claim.find(q).sort({ updatedAt: -1, _id: -1 }).skip(page.skip).limit(page.limit).lean<ClaimLean[]>(),
        Claim.countDocuments(q),
      ]);
      return { items: docs.map(toClaim), total };
    },

    /**
     * Appends a timeline entry (and its status) if the timeline is exactly `entry.seq - 1` long.
     * Mutual exclusion between writers comes from the outbox event's unique key (see ClaimService);
     * this filter only keeps a repeated apply from adding the entry twice.
     */
    async applyEntry(
      id: string,
      entry: ClaimTimelineEntry,
      set: { amountPaid?: number | undefined },
    ): Promise<ClaimRecord | undefined> {
      const d = await Claim.findOneAndUpdate(
        { _id: oid(id), timeline: { $size: entry.seq - 1 } },
        {
          $set: { status: entry.to, ...(set.amountPaid !== undefined ? { amountPaid: set.amountPaid } : {}) },
          $push: { timeline: entry },
        },
        { returnDocument: 'after' },
      ).lean<ClaimLean>();
      return d ? toClaim(d) : undefined;
    },

    async reassign(customerIds: string[], to: Ownership): Promise<number> {
      return reassignByCustomers(Claim, customerIds, to);
    },
  };
}
export type ClaimRepository = ReturnType<typeof createClaimRepository>;
