import { Schema, Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';

/**
 * Who a customer-owned record belongs to. Every customer-owned collection (customers, policies, claims,
 * interactions, tasks, tickets, events) stores these three fields, copied from the owner agent's
 * placement, so a scope becomes one indexed equality filter and no join is needed to enforce it.
 * Handover rewrites them.
 */
export interface Ownership {
  ownerId: string;
  teamId: string | undefined;
  branchId: string | undefined;
}

export interface OwnershipDoc {
  ownerId: Types.ObjectId;
  teamId?: Types.ObjectId | null;
  branchId?: Types.ObjectId | null;
}

/** Mongoose schema fields for `Ownership`; spread into each customer-owned schema. */
export const ownershipFields = {
  ownerId: { type: Schema.Types.ObjectId, required: true },
  teamId: { type: Schema.Types.ObjectId },
  branchId: { type: Schema.Types.ObjectId },
} as const;

/**
 * The MongoDB filter for a scope. Every repository read of customer-owned data goes through this;
 * the switch is exhaustive, so a new scope level (a customer principal, in the mini-program issue:
 * `{ level: 'customer', customerId }` → `{ customerId }`) fails to compile until it is handled here.
 */
export function scopeFilter(scope: DataScope): Record<string, unknown> {
  switch (scope.level) {
    case 'own':
      return { ownerId: new Types.ObjectId(scope.userId) };
    case 'team':
      return { teamId: new Types.ObjectId(scope.teamId) };
    case 'branch':
      return { branchId: new Types.ObjectId(scope.branchId) };
    case 'all':
      return {};
    default: {
      const unhandled: never = scope;
      throw new Error(`unhandled scope ${JSON.stringify(unhandled)}`);
    }
  }
}

/** True when a record with this ownership is inside `scope` (the in-memory twin of scopeFilter). */
export function inScope(scope: DataScope, o: Ownership): boolean {
  switch (scope.level) {
    case 'own':
      return o.ownerId === scope.userId;
    case 'team':
      return o.teamId === scope.teamId;
    case 'branch':
      return o.branchId === scope.branchId;
    case 'all':
      return true;
    default: {
      const unhandled: never = scope;
      throw new Error(`unhandled scope ${JSON.stringify(unhandled)}`);
    }
  }
}

export const toOwnership = (d: OwnershipDoc): Ownership => ({
  ownerId: d.ownerId.toString(),
  teamId: d.teamId?.toString(),
  branchId: d.branchId?.toString(),
});

export const ownershipToDoc = (o: Ownership) => ({
  ownerId: new Types.ObjectId(o.ownerId),
  teamId: o.teamId ? new Types.ObjectId(o.teamId) : undefined,
  branchId: o.branchId ? new Types.ObjectId(o.branchId) : undefined,
});

/**
 * The scope used by the system itself (segmentation recompute, handover batches, seed). Named, so a
 * grep for SYSTEM_SCOPE finds every deliberate unscoped read.
 */
export const SYSTEM_SCOPE: DataScope = { level: 'all' };

export const oid = (id: string) => new Types.ObjectId(id);

/** A collection of customer-owned records (method syntax on purpose, so every mongoose Model fits). */
interface CustomerOwnedCollection {
  updateMany(
    filter: Record<string, unknown>,
    update: Record<string, unknown>,
  ): PromiseLike<{ modifiedCount: number }>;
}

/**
 * Handover: moves every record of `customerIds` to the new ownership (plus `extraSet`, e.g. a ticket's
 * queue). Callers pass bounded batches of customer ids.
 */
export async function reassignByCustomers(
  collection: CustomerOwnedCollection,
  customerIds: string[],
  to: Ownership,
  extraSet: Record<string, unknown> = {},
): Promise<number> {
  const r = await collection.updateMany(
    { customerId: { $in: customerIds.map(oid) } },
    { $set: { ...ownershipToDoc(to), ...extraSet } },
  );
  return r.modifiedCount;
}
