import type { ClaimRepository } from '../claim/claim.repository.js';
import type { CustomerRepository, Segmentation } from '../customer/customer.repository.js';
import { SYSTEM_SCOPE } from '../customer/ownership.js';
import type { InteractionRepository } from '../interaction/interaction.repository.js';
import type { PolicyRepository } from '../policy/policy.repository.js';
import type { SegmentationQueries } from './segmentation.queries.js';
import { computeSegmentation } from './segmentation.rules.js';

const DAY = 86_400_000;

export interface RecomputeAllResult {
  customers: number;
  /** Stored because the result differs from what was stored. */
  written: number;
  unchanged: number;
  /** Recomputed on change by someone else while this run read its batch: their fresher result stays. */
  skippedConcurrent: number;
  batches: number;
}

/** Everything of a segmentation except when it was computed, in a fixed key order (for comparison). */
function sameResult(a: Segmentation | undefined, b: Segmentation): boolean {
  if (!a) return false;
  const key = (s: Segmentation) =>
    JSON.stringify([
      s.tier,
      s.book,
      s.lifecycle,
      s.propertyRisk ?? null,
      s.rfm
        ? [s.rfm.recencyDays ?? null, s.rfm.frequency, s.rfm.monetary, s.rfm.r, s.rfm.f, s.rfm.m, s.rfm.code]
        : null,
      s.reasons.tier,
      s.reasons.book,
      s.reasons.lifecycle,
      s.reasons.propertyRisk ?? [],
      s.reasons.rfm ?? [],
      s.annualPremium,
    ]);
  return key(a) === key(b);
}

/**
 * The one place segmentation is computed: tier (premium, renewals, claims, RFM on policy events), book,
 * lifecycle and property risk level, each with its reasons, stored on the customer. `recompute` runs after
 * every change to the inputs; `recomputeAll` is the nightly pass (time moves recency and dormancy), in
 * keyset batches so memory does not grow with the number of customers.
 */
export function createSegmentationService(deps: {
  customers: CustomerRepository;
  policies: PolicyRepository;
  claims: ClaimRepository;
  interactions: InteractionRepository;
  queries: SegmentationQueries;
  clock: () => Date;
}) {
  return {
    async recompute(customerId: string): Promise<Segmentation | undefined> {
      // Read and write under the customer's lock: two recomputes racing must not store the older result.
      return deps.customers.withCustomerLock(customerId, async () => {
        // A system read: the caller already proved access to this customer, or is a job.
        const customer = await deps.customers.findById(SYSTEM_SCOPE, customerId);
        if (!customer) return undefined;
        const [policies, claims, interactionCount, referralCount] = await Promise.all([
          deps.policies.listForCustomer(SYSTEM_SCOPE, customerId, 500),
          deps.claims.listForCustomer(SYSTEM_SCOPE, customerId, 500),
          deps.interactions.countForCustomer(SYSTEM_SCOPE, customerId),
          deps.customers.countReferrals(SYSTEM_SCOPE, customerId),
        ]);
        const seg = computeSegmentation({
          now: deps.clock(),
          customerCreatedAt: customer.createdAt,
          lastInteractionAt: customer.lastInteractionAt,
          interactionCount,
          referralCount,
          occupation: customer.occupation,
          region: customer.region,
          policies,
          claims,
        });
        await deps.customers.setSegmentation(SYSTEM_SCOPE, customerId, seg);
        return seg;
      });
    },

    /**
     * Recomputes every customer as of `now`, `batchSize` customers at a time (one query per collection
     * per batch). A write is skipped when nothing changed, and when an on-change recompute stored a result
     * after this batch was read (that one is fresher).
     */
    async recomputeAll(
      opts: { now?: Date; batchSize?: number; onBatch?: (r: RecomputeAllResult) => void } = {},
    ): Promise<RecomputeAllResult> {
      const now = opts.now ?? deps.clock();
      const batchSize = opts.batchSize ?? 500;
      const result: RecomputeAllResult = {
        customers: 0,
        written: 0,
        unchanged: 0,
        skippedConcurrent: 0,
        batches: 0,
      };
      const claimsSince = new Date(now.getTime() - 365 * DAY);
      let after: string | undefined;
      for (;;) {
        const { items, lastId } = await deps.queries.batch(after, batchSize, claimsSince);
        if (items.length === 0) break;
        result.batches++;
        for (const item of items) {
          result.customers++;
          const seg = computeSegmentation({ now, ...item.input });
          if (sameResult(item.stored, seg)) {
            result.unchanged++;
            continue;
          }
          const stored = await deps.customers.setSegmentationIfUnchanged(
            item.customerId,
            seg,
            item.stored?.computedAt,
          );
          if (stored) result.written++;
          else result.skippedConcurrent++;
        }
        opts.onBatch?.({ ...result });
        after = lastId;
        if (items.length < batchSize) break;
      }
      return result;
    },
  };
}
export type SegmentationService = ReturnType<typeof createSegmentationService>;
