import { randomInt } from 'node:crypto';
import type { Actor } from '#core/audit/audit.service';
import { scopeFor } from '#core/auth/scope';
import type { CreateClaimInput } from '#core/claim/claim.schemas';
import type { CreateCustomerInput } from '#core/customer/customer.schemas';
import { idNumberCheckChar } from '#core/customer/id-number';
import type { CreatePolicyInput } from '#core/policy/policy.schemas';
import type { Services } from '#core/services';
import type { UserRecord } from '#core/user/user.repository';

/** The audited actor for a user, as the API would build it. */
export function actorFor(user: UserRecord): Actor {
  return {
    principal: { kind: 'staff', userId: user.id, role: user.role, scope: scopeFor(user) },
    origin: { source: 'test' },
  };
}

/** A unique, valid mainland mobile in national form. */
export const randomMobile = () => `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;

/** A valid 18-digit resident ID number (correct check digit) for a birth date. */
export function makeIdNumber(birthday = '1990-01-01', region = '110101'): string {
  const seq = String(randomInt(100, 999));
  const first17 = `${region}${birthday.replaceAll('-', '')}${seq}`;
  return first17 + idNumberCheckChar(first17);
}

let policySeq = 0;

/** Customers, policies and claims created through the real services (validation, scope, audit). */
export function customerFactory(services: () => Services) {
  return {
    async customer(owner: UserRecord, over: Partial<CreateCustomerInput> = {}) {
      const { parseInput } = await import('#core/validation');
      const { createCustomerInput } = await import('#core/customer/customer.schemas');
      const input = parseInput(createCustomerInput, {
        name: '测试客户',
        phones: [{ number: randomMobile() }],
        ...over,
      });
      return services().customers.create(actorFor(owner), input);
    },
    async policy(owner: UserRecord, customerId: string, over: Partial<CreatePolicyInput> = {}) {
      policySeq++;
      return services().policies.create(actorFor(owner), {
        customerId,
        number: `P${Date.now()}${policySeq}${randomInt(0, 1000)}`,
        insurer: '平安人寿',
        product: '平安福',
        line: '重疾',
        sumInsured: 500_000,
        premium: 8_000,
        paymentFrequency: 'annual',
        effectiveDate: '2026-01-01',
        expiryDate: '2027-01-01',
        ...over,
      });
    },
    async claim(owner: UserRecord, policyId: string, over: Partial<CreateClaimInput> = {}) {
      return services().claims.create(actorFor(owner), {
        policyId,
        incidentDate: '2026-10-01',
        amountClaimed: 12_000,
        ...over,
      });
    },
  };
}
