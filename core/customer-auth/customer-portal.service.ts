import { Types } from 'mongoose';
import { scopeFor } from '../auth/scope.js';
import type { Actor } from '../audit/audit.service.js';
import type { ClaimRepository } from '../claim/claim.repository.js';
import type { ClaimService } from '../claim/claim.service.js';
import { claimView } from '../claim/claim.view.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import { AppError, notFound } from '../errors.js';
import type { PolicyRecord, PolicyRepository } from '../policy/policy.repository.js';
import { policyView } from '../policy/policy.view.js';
import type { UserRepository } from '../user/user.repository.js';
import type { CustomerAuthModels } from './customer-auth.model.js';
import type { ReportClaimInput, SubscriptionsInput } from './customer-auth.schemas.js';
import type { CustomerPrincipal } from './customer-token.js';

// Reads go through the staff repositories with the unrestricted scope and are then narrowed to the
// session's own customerId: a customer never names whose records they read, the session does.
const ALL = { level: 'all' } as const;
const MAX_PHOTOS_PER_CLAIM = 3;
const MAX_PHOTO_BYTES = 180 * 1024;

const ROLE_TITLES: Record<string, string> = {
  agent: '保险顾问',
  team_lead: '团队主管',
  branch_manager: '分公司经理',
  admin: '客服专员',
};

/** What a signed-in customer sees and does in the mini-program: their policies, claims and advisor. */
export function createCustomerPortalService(deps: {
  models: CustomerAuthModels;
  customers: CustomerRepository;
  policies: PolicyRepository;
  claims: ClaimRepository;
  claimService: ClaimService;
  users: UserRepository;
  clock: () => Date;
}) {
  const { CustomerSubscription, ClaimPhoto } = deps.models;

  // The customer sees the policy, not the agency's bookkeeping (owner ids, renewal internals).
  const forCustomer = (p: PolicyRecord) => {
    const { ownerId: _owner, ...rest } = policyView(p, deps.clock());
    return rest;
  };

  async function ownPolicy(me: CustomerPrincipal, id: string): Promise<PolicyRecord> {
    const p = await deps.policies.findById(ALL, id);
    if (!p || p.customerId !== me.customerId) throw notFound('policy', '保单不存在');
    return p;
  }

  async function claimsWithProduct(me: CustomerPrincipal) {
    const [claims, policies] = await Promise.all([
      deps.claims.listForCustomer(ALL, me.customerId),
      deps.policies.listForCustomer(ALL, me.customerId),
    ]);
    const product = new Map(policies.map((p) => [p.id, p.product]));
    return claims.map((c) => {
      const { ownerId: _owner, allowedNext: _next, ...rest } = claimView(c);
      return { ...rest, product: product.get(c.policyId) };
    });
  }

  return {
    async policies(me: CustomerPrincipal) {
      const items = await deps.policies.listForCustomer(ALL, me.customerId);
      return { items: items.map(forCustomer) };
    },

    async policy(me: CustomerPrincipal, id: string) {
      const p = await ownPolicy(me, id);
      const claims = (await claimsWithProduct(me)).filter((c) => c.policyId === p.id);
      return { ...forCustomer(p), claims };
    },

    async claims(me: CustomerPrincipal) {
      return { items: await claimsWithProduct(me) };
    },

    async claim(me: CustomerPrincipal, id: string) {
      const c = (await claimsWithProduct(me)).find((x) => x.id === id);
      if (!c) throw notFound('claim', '理赔记录不存在');
      return c;
    },

    /**
     * 报案: the claim is recorded on behalf of the customer by their owner agent's account (claims are
     * staff records with a staff audit trail); the timeline names the customer as the reporter.
     */
    async reportClaim(me: CustomerPrincipal, input: ReportClaimInput, origin: Actor['origin']) {
      const policy = await ownPolicy(me, input.policyId);
      if (policy.status !== 'in_force') {
        throw new AppError('VALIDATION_FAILED', 'policy not in force', {
          userMessage: '该保单不在保障期内，无法在线报案，请联系您的顾问',
          details: [{ path: 'policyId', message: '保单不在保障期内' }],
        });
      }
      if (input.incidentDate < policy.effectiveDate || input.incidentDate > policy.expiryDate) {
        throw new AppError('VALIDATION_FAILED', 'incident outside the policy period', {
          userMessage: '出险日期不在保单保障期内',
          details: [{ path: 'incidentDate', message: '出险日期不在保障期内' }],
        });
      }
      const customer = await deps.customers.findById(ALL, me.customerId);
      const owner = await deps.users.findUserById(policy.ownership.ownerId);
      if (!customer || !owner) throw notFound('customer', '客户档案不存在，请联系您的顾问');
      const actor: Actor = {
        principal: { kind: 'staff', userId: owner.id, role: owner.role, scope: scopeFor(owner) },
        origin,
      };
      const created = await deps.claimService.create(
        actor,
        {
          policyId: policy.id,
          incidentDate: input.incidentDate,
          amountClaimed: input.amountClaimed,
          description: input.description,
          note: '客户通过小程序报案',
        },
        `${customer.name}（客户本人）`,
      );
      return this.claim(me, created.id);
    },

    async addClaimPhoto(me: CustomerPrincipal, claimId: string, dataUrl: string) {
      await this.claim(me, claimId);
      const match = /^data:(image\/(?:jpeg|png|webp));base64,(.+)$/.exec(dataUrl);
      if (!match?.[1] || !match[2])
        throw new AppError('VALIDATION_FAILED', 'not a data URL', { userMessage: '照片格式不正确' });
      const data = Buffer.from(match[2], 'base64');
      if (data.length > MAX_PHOTO_BYTES) {
        throw new AppError('PAYLOAD_TOO_LARGE', 'photo too large', {
          userMessage: '照片过大，请压缩后再上传',
        });
      }
      const claimOid = new Types.ObjectId(claimId);
      if ((await ClaimPhoto.countDocuments({ claimId: claimOid })) >= MAX_PHOTOS_PER_CLAIM) {
        throw new AppError('CONFLICT', 'photo limit reached', {
          userMessage: `每次报案最多上传 ${MAX_PHOTOS_PER_CLAIM} 张照片`,
        });
      }
      await ClaimPhoto.create({
        claimId: claimOid,
        customerId: new Types.ObjectId(me.customerId),
        mime: match[1],
        data,
        bytes: data.length,
      });
      return { count: await ClaimPhoto.countDocuments({ claimId: claimOid }) };
    },

    async advisor(me: CustomerPrincipal) {
      const c = await deps.customers.findById(ALL, me.customerId);
      if (!c) throw notFound('customer', '客户档案不存在');
      const u = await deps.users.findUserById(c.ownership.ownerId);
      if (!u) throw notFound('advisor', '暂未分配顾问，请稍后再试');
      const [team, branch] = await Promise.all([
        u.teamId ? deps.users.findTeamById(u.teamId) : undefined,
        u.branchId ? deps.users.findBranchById(u.branchId) : undefined,
      ]);
      // Staff records hold no phone number yet: the card says to use WeCom instead of showing none.
      return {
        name: u.name,
        title: ROLE_TITLES[u.role] ?? '保险顾问',
        phone: null,
        team: team?.name ?? null,
        branch: branch?.name ?? null,
        productLines: u.productLines,
      };
    },

    async subscriptions(me: CustomerPrincipal) {
      const s = await CustomerSubscription.findOne({ customerId: new Types.ObjectId(me.customerId) }).lean();
      // Unsaved categories are on (the outbox reads them the same way: notification-preferences.ts).
      return {
        claimProgress: s?.claimProgress ?? true,
        renewalReminder: s?.renewalReminder ?? true,
        careGreetings: s?.careGreetings ?? true,
        channel: s?.channel ?? 'sms',
      };
    },

    async saveSubscriptions(me: CustomerPrincipal, input: SubscriptionsInput) {
      await CustomerSubscription.updateOne(
        { customerId: new Types.ObjectId(me.customerId) },
        {
          $set: {
            claimProgress: input.claimProgress,
            renewalReminder: input.renewalReminder,
            ...(input.careGreetings === undefined ? {} : { careGreetings: input.careGreetings }),
            channel: input.channel,
            acceptedTemplateIds: input.acceptedTemplateIds ?? [],
          },
        },
        { upsert: true },
      );
      return this.subscriptions(me);
    },
  };
}
export type CustomerPortalService = ReturnType<typeof createCustomerPortalService>;
