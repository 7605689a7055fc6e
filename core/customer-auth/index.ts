import type { AuditService } from '../audit/audit.service.js';
import type { ClaimRepository } from '../claim/claim.repository.js';
import type { ClaimService } from '../claim/claim.service.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import type { CustomerService } from '../customer/customer.service.js';
import type { PolicyRepository } from '../policy/policy.repository.js';
import type { UserRepository } from '../user/user.repository.js';
import type { WechatClient } from '../wecom/wechat.client.js';
import type { CustomerAuthModels } from './customer-auth.model.js';
import { createCustomerAuthService } from './customer-auth.service.js';
import { createCustomerPortalService } from './customer-portal.service.js';
import { createCustomerTokens } from './customer-token.js';

/** The mini-program's customer side: sign-in and binding, and the customer's own records. */
export function createCustomerAccess(deps: {
  models: CustomerAuthModels;
  secret: string;
  sessionTtlSeconds: number;
  clock: () => Date;
  customers: CustomerRepository;
  customerService: CustomerService;
  policies: PolicyRepository;
  claims: ClaimRepository;
  claimService: ClaimService;
  users: UserRepository;
  audit: AuditService;
  wechat: () => WechatClient;
}) {
  const tokens = createCustomerTokens({
    secret: deps.secret,
    ttlSeconds: deps.sessionTtlSeconds,
    clock: deps.clock,
  });
  return {
    customerAuth: createCustomerAuthService({ ...deps, tokens }),
    customerPortal: createCustomerPortalService(deps),
  };
}
