import { Types } from 'mongoose';
import type { Models } from '../db/database.js';
import type { Segmentation } from '../customer/customer.repository.js';
import type { SegmentationInput } from './segmentation.rules.js';

// Read-only batch loads for the nightly recompute: one query per collection per batch of customers
// (joins in code, style rule 6), narrow projections, so a run costs O(N / batch) queries and memory
// stays at one batch. The customer itself is written through its repository.

type Opt<T> = T | null | undefined;

export interface SegmentationBatchItem {
  customerId: string;
  /** The stored result, to skip writes that would change nothing and to guard the write. */
  stored: Segmentation | undefined;
  input: Omit<SegmentationInput, 'now'>;
}

interface CustomerLean {
  _id: Types.ObjectId;
  createdAt?: Opt<Date>;
  lastInteractionAt?: Opt<Date>;
  occupation?: Opt<string>;
  region?: Opt<string>;
  segmentation?: Opt<Segmentation>;
}
interface PolicyLean {
  customerId: Types.ObjectId;
  line: string;
  status: SegmentationInput['policies'][number]['status'];
  sumInsured: number;
  premium: number;
  paymentFrequency: SegmentationInput['policies'][number]['paymentFrequency'];
  effectiveDate: string;
  expiryDate: string;
  renewalOutcome?: Opt<string>;
}

/** Batch reads over every customer (system scope) for segmentation. */
export function createSegmentationQueries(
  models: Pick<Models, 'Customer' | 'Policy' | 'Claim' | 'Interaction'>,
) {
  const { Customer, Policy, Claim, Interaction } = models;

  const countBy = (field: string, ids: Types.ObjectId[]) => [
    { $match: { [field]: { $in: ids } } },
    { $group: { _id: `$${field}`, n: { $sum: 1 } } },
  ];
  const toMap = (rows: { _id: Types.ObjectId; n: number }[]) =>
    new Map(rows.map((r) => [r._id.toString(), r.n]));

  return {
    /**
     * The next `limit` customers after `afterId` (by _id) with everything segmentation needs. Keyset
     * paging: a customer created or deleted during the run neither shifts nor repeats the others.
     */
    async batch(
      afterId: string | undefined,
      limit: number,
      claimsSince: Date,
    ): Promise<{ items: SegmentationBatchItem[]; lastId: string | undefined }> {
      const customers = await Customer.find(afterId ? { _id: { $gt: new Types.ObjectId(afterId) } } : {}, {
        _id: 1,
        createdAt: 1,
        lastInteractionAt: 1,
        occupation: 1,
        region: 1,
        segmentation: 1,
      })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<CustomerLean[]>();
      if (customers.length === 0) return { items: [], lastId: undefined };
      const ids = customers.map((c) => c._id);
      const [policies, claims, interactions, referrals] = await Promise.all([
        Policy.find(
          { customerId: { $in: ids } },
          {
            _id: 0,
            customerId: 1,
            line: 1,
            status: 1,
            sumInsured: 1,
            premium: 1,
            paymentFrequency: 1,
            effectiveDate: 1,
            expiryDate: 1,
            renewalOutcome: 1,
          },
        ).lean<PolicyLean[]>(),
        Claim.find(
          { customerId: { $in: ids }, createdAt: { $gte: claimsSince } },
          { _id: 0, customerId: 1, createdAt: 1 },
        ).lean<{ customerId: Types.ObjectId; createdAt: Date }[]>(),
        Interaction.aggregate<{ _id: Types.ObjectId; n: number }>(countBy('customerId', ids)).then(toMap),
        Customer.aggregate<{ _id: Types.ObjectId; n: number }>(countBy('referrerId', ids)).then(toMap),
      ]);
      const policiesOf = new Map<string, SegmentationInput['policies']>();
      for (const p of policies) {
        const key = p.customerId.toString();
        const list = policiesOf.get(key) ?? [];
        list.push({
          line: p.line,
          status: p.status,
          sumInsured: p.sumInsured,
          premium: p.premium,
          paymentFrequency: p.paymentFrequency,
          effectiveDate: p.effectiveDate,
          expiryDate: p.expiryDate,
          renewalOutcome: p.renewalOutcome ?? undefined,
        });
        policiesOf.set(key, list);
      }
      const claimsOf = new Map<string, { createdAt: Date }[]>();
      for (const c of claims) {
        const key = c.customerId.toString();
        claimsOf.set(key, [...(claimsOf.get(key) ?? []), { createdAt: c.createdAt }]);
      }
      const items = customers.map((c): SegmentationBatchItem => {
        const id = c._id.toString();
        return {
          customerId: id,
          stored: c.segmentation ?? undefined,
          input: {
            // A record inserted without timestamps (raw import) must not stop the nightly run.
            customerCreatedAt: c.createdAt ?? c._id.getTimestamp(),
            lastInteractionAt: c.lastInteractionAt ?? undefined,
            interactionCount: interactions.get(id) ?? 0,
            referralCount: referrals.get(id) ?? 0,
            occupation: c.occupation ?? undefined,
            region: c.region ?? undefined,
            policies: policiesOf.get(id) ?? [],
            claims: claimsOf.get(id) ?? [],
          },
        };
      });
      return { items, lastId: customers[customers.length - 1]?._id.toString() };
    },
  };
}
export type SegmentationQueries = ReturnType<typeof createSegmentationQueries>;
