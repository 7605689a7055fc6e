import type { ClaimRepository } from '../claim/claim.repository.js';
import type { CustomerRepository, Segmentation } from '../customer/customer.repository.js';
import { SYSTEM_SCOPE } from '../customer/ownership.js';
import type { InteractionRepository } from '../interaction/interaction.repository.js';
import type { PolicyRepository } from '../policy/policy.repository.js';
import { computeSegmentation } from './segmentation.rules.js';

/**
 * The one place segmentation is computed: loads a customer's policies, claims, interactions and
 * referrals, computes tier/book/lifecycle with reasons and stores them on the customer. Called after
 * every change to those inputs (and by a periodic job for the time-based lifecycle, in the jobs issue).
 */
export function createSegmentationService(deps: {
  customers: CustomerRepository;
  policies: PolicyRepository;
  claims: ClaimRepository;
  interactions: InteractionRepository;
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
          policies,
          claims,
        });
        await deps.customers.setSegmentation(SYSTEM_SCOPE, customerId, seg);
        return seg;
      });
    },
  };
}
export type SegmentationService = ReturnType<typeof createSegmentationService>;
