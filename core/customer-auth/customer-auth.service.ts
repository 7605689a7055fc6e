import { randomInt } from 'node:crypto';
import { Types } from 'mongoose';
import type { Actor } from '../audit/audit.service.js';
import type { AuditService } from '../audit/audit.service.js';
import { scopeFor } from '../auth/scope.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import type { CustomerService } from '../customer/customer.service.js';
import { normalizeCnMobile } from '../customer/phone.js';
import { AppError, notFound } from '../errors.js';
import type { UserRepository } from '../user/user.repository.js';
import type { WechatClient } from '../wecom/wechat.client.js';
import type { CustomerAuthModels } from './customer-auth.model.js';
import type { CustomerPrincipal, CustomerTokens } from './customer-token.js';

// No 0/O, 1/I/L: codes are read aloud and typed on phones.
const INVITE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;
const ALL = { level: 'all' } as const;

export interface CustomerSession {
  token: string;
  expiresAt: Date;
  customer: { id: string; name: string };
}

/**
 * Customers' sign-in to the mini-program: wx.login → jscode2session → the openid's binding, or a bind
 * ticket when the openid is new; binding by an agent's invite code or by the verified phone number
 * (getPhoneNumber). Also the invite codes agents create.
 */
export function createCustomerAuthService(deps: {
  models: CustomerAuthModels;
  customers: CustomerRepository;
  /** Writes the openid/unionid into the customer's identity graph (audited like any customer write). */
  customerService: CustomerService;
  users: UserRepository;
  audit: AuditService;
  tokens: CustomerTokens;
  /** The WeChat mini-program client (the simulator in development); throws when not configured. */
  wechat: () => WechatClient;
  clock: () => Date;
}) {
  const { CustomerInvite, CustomerBinding } = deps.models;

  async function sessionFor(customerId: string): Promise<CustomerSession> {
    const c = await deps.customers.findById(ALL, customerId);
    if (!c) throw notFound('customer', '客户档案不存在，请联系您的顾问');
    return { ...deps.tokens.issueSession(c.id), customer: { id: c.id, name: c.name } };
  }

  // The notification outbox sends subscribe messages to customer.identities.openid: keep it in step.
  async function recordIdentity(customerId: string, t: { openId: string; unionId?: string | undefined }) {
    const c = await deps.customers.findById(ALL, customerId);
    if (!c || (c.identities.openid === t.openId && (!t.unionId || c.identities.unionid === t.unionId)))
      return;
    const owner = await deps.users.findUserById(c.ownership.ownerId);
    if (!owner) return;
    const kept = Object.fromEntries(Object.entries(c.identities).filter(([, v]) => typeof v === 'string'));
    await deps.customerService.update(
      {
        principal: { kind: 'staff', userId: owner.id, role: owner.role, scope: scopeFor(owner) },
        origin: { source: 'api' },
      },
      c.id,
      { identities: { ...kept, openid: t.openId, ...(t.unionId ? { unionid: t.unionId } : {}) } },
    );
  }

  async function bind(
    t: { appId: string; openId: string; unionId?: string | undefined },
    customerId: string,
    method: 'invite' | 'phone',
  ) {
    // One openid → one customer; binding again (e.g. a new invite) moves it to the newer record.
    await CustomerBinding.updateOne(
      { appId: t.appId, openId: t.openId },
      {
        $set: {
          customerId: new Types.ObjectId(customerId),
          method,
          boundAt: deps.clock(),
          unionId: t.unionId,
        },
      },
      { upsert: true },
    );
    await recordIdentity(customerId, t);
    return sessionFor(customerId);
  }

  return {
    /** An invite code for a customer in the agent's scope (404 otherwise), valid for 7 days, single use. */
    async createInvite(actor: Actor, customerId: string): Promise<{ code: string; expiresAt: Date }> {
      const c = await deps.customers.findById(actor.principal.scope, customerId);
      if (!c) throw notFound('customer', '客户不存在或无权访问');
      const expiresAt = new Date(deps.clock().getTime() + INVITE_TTL_MS);
      for (let attempt = 0; attempt < 5; attempt++) {
        const code = Array.from({ length: 8 }, () => INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]).join(
          '',
        );
        try {
          await CustomerInvite.create({
            codeHash: deps.tokens.inviteHash(code),
            customerId: new Types.ObjectId(c.id),
            createdBy: new Types.ObjectId(actor.principal.userId),
            expiresAt,
          });
        } catch (err) {
          // A collision of two random codes: draw again.
          if ((err as { code?: unknown }).code === 11000) continue;
          throw err;
        }
        await deps.audit.record(actor, 'create', 'customer_invite', c.id, [], 'mini-program invite code');
        return { code, expiresAt };
      }
      throw new AppError('INTERNAL', 'could not draw a unique invite code', {
        userMessage: '生成邀请码失败，请重试',
      });
    },

    /** wx.login code → a session when this WeChat user is bound, otherwise a ticket to bind with. */
    async wechatLogin(code: string) {
      const wechat = deps.wechat();
      const s = await wechat.code2Session(code);
      const binding = await CustomerBinding.findOne({ appId: wechat.appId, openId: s.openId }).lean();
      if (binding) return { bound: true as const, ...(await sessionFor(String(binding.customerId))) };
      const { ticket, expiresAt } = deps.tokens.issueTicket({
        appId: wechat.appId,
        openId: s.openId,
        ...(s.unionId ? { unionId: s.unionId } : {}),
      });
      return { bound: false as const, bindTicket: ticket, expiresAt };
    },

    /** Binds the ticket's WeChat user to the invite code's customer; the code is used up. */
    async bindByInvite(bindTicket: string, inviteCode: string): Promise<CustomerSession> {
      const t = deps.tokens.verifyTicket(bindTicket);
      const now = deps.clock();
      const invite = await CustomerInvite.findOneAndUpdate(
        { codeHash: deps.tokens.inviteHash(inviteCode), usedAt: { $exists: false }, expiresAt: { $gt: now } },
        { $set: { usedAt: now, usedByOpenId: t.openId } },
        { returnDocument: 'after' },
      ).lean();
      if (!invite) {
        throw new AppError('VALIDATION_FAILED', 'invite code unknown, used or expired', {
          userMessage: '邀请码无效或已过期，请向顾问重新获取',
          details: [{ path: 'inviteCode', message: '邀请码无效或已过期' }],
        });
      }
      return bind(t, String(invite.customerId), 'invite');
    },

    /** Binds by the phone number WeChat verified (getPhoneNumber code) when exactly one customer has it. */
    async bindByPhone(bindTicket: string, phoneCode: string): Promise<CustomerSession> {
      const t = deps.tokens.verifyTicket(bindTicket);
      const info = await deps.wechat().getUserPhoneNumber(phoneCode, t.openId);
      const phone = normalizeCnMobile(info.purePhoneNumber);
      const owners = phone ? await deps.customers.phoneOwners([phone]) : new Map<string, string>();
      const customerId = phone ? owners.get(phone) : undefined;
      if (!customerId) {
        throw notFound('customer', '未找到该手机号对应的客户档案，请向您的顾问获取邀请码');
      }
      return bind(t, customerId, 'phone');
    },

    /** Development only (the route exists only then): sign in as a customer. */
    devLogin: (customerId: string) => sessionFor(customerId),

    /** Development only: customers to pick on the dev login screen. */
    async devCustomers(limit = 50) {
      const { items } = await deps.customers.list(ALL, {}, { skip: 0, limit });
      return items.map((c) => ({ id: c.id, name: c.name }));
    },

    /** The customer behind a session token; the record must still exist. */
    async authenticate(token: string): Promise<CustomerPrincipal> {
      const principal = deps.tokens.verifySession(token);
      const c = await deps.customers.findById(ALL, principal.customerId);
      if (!c) {
        throw new AppError('TOKEN_INVALID', 'customer of the session no longer exists', {
          userMessage: '客户档案已变更，请重新登录',
        });
      }
      return principal;
    },
  };
}
export type CustomerAuthService = ReturnType<typeof createCustomerAuthService>;
