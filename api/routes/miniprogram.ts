import { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import {
  bindInviteInput,
  bindPhoneInput,
  claimPhotoInput,
  devCustomerLoginInput,
  loginCodeInput,
  reportClaimInput,
  subscriptionsInput,
} from '#core/customer-auth/customer-auth.schemas';
import type { CustomerPrincipal } from '#core/customer-auth/customer-token';
import { AppError } from '#core/errors';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';

const idParam = z.strictObject({ id: objectIdString });
type Services = AppDeps['services'];

/** Requires a customer session (`Authorization: Bearer c1.…`); staff tokens are refused. */
function requireCustomer(services: Services): Middleware<AppState> {
  return async function requireCustomerMiddleware(ctx, next) {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!match?.[1])
      throw new AppError('UNAUTHENTICATED', 'missing bearer token', { userMessage: '请先登录' });
    const customer = await services.customerAuth.authenticate(match[1]);
    ctx.state.customer = customer;
    ctx.state.log = ctx.state.log.child({ customerId: customer.customerId });
    await next();
  };
}

function customerOf(state: AppState): CustomerPrincipal {
  if (!state.customer) throw new Error('route is missing requireCustomer');
  return state.customer;
}

const session = (s: { token: string; expiresAt: Date; customer: { id: string; name: string } }) => ({
  token: s.token,
  expiresAt: s.expiresAt,
  customer: s.customer,
});

/**
 * The mini-program's own endpoints: staff sign-in inside WeCom (wx.qy.login), customer sign-in and
 * binding (wx.login, invite code, phone number), invite codes for agents, and the customer's records.
 */
export function miniprogramRouter(deps: Pick<AppDeps, 'config' | 'services'>) {
  const { services } = deps;
  const router = new Router<AppState>({ prefix: '/api/v1' });

  // Agent mode inside WeCom: wx.qy.login code → miniprogram/jscode2session → the member's session.
  router.post('/auth/wecom-mini-login', async (ctx) => {
    const { code } = parseInput(loginCodeInput, ctx.request.body, 'login');
    const member = await services.wecom.requireClient().miniprogramCode2Session(code);
    // The member is known to WeCom; `devLogin` is the plain "session for this active user" issuance.
    const s = await services.auth.devLogin(member.userId);
    ctx.state.log.info({ userId: s.user.id }, 'wecom mini-program login');
    ctx.body = { token: s.token, expiresAt: s.expiresAt, user: s.user, scope: s.principal.scope };
  });

  router.post('/customers/:id/invite', requireAuth(services.auth), async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.status = 201;
    ctx.body = await services.customerAuth.createInvite(actorOf(ctx), id);
  });

  router.post('/customer-auth/wechat-login', async (ctx) => {
    const { code } = parseInput(loginCodeInput, ctx.request.body, 'login');
    const res = await services.customerAuth.wechatLogin(code);
    ctx.body = res.bound ? { bound: true, ...session(res) } : res;
  });

  router.post('/customer-auth/bind-invite', async (ctx) => {
    const input = parseInput(bindInviteInput, ctx.request.body, 'bind');
    ctx.body = session(await services.customerAuth.bindByInvite(input.bindTicket, input.inviteCode));
  });

  router.post('/customer-auth/bind-phone', async (ctx) => {
    const input = parseInput(bindPhoneInput, ctx.request.body, 'bind');
    ctx.body = session(await services.customerAuth.bindByPhone(input.bindTicket, input.phoneCode));
  });

  // Development only (absent in production, like /auth/dev-login): the H5 build has no wx.login.
  if (deps.config.env === 'development') {
    router.get('/customer-auth/dev-customers', async (ctx) => {
      ctx.body = { items: await services.customerAuth.devCustomers() };
    });
    router.post('/customer-auth/dev-login', async (ctx) => {
      const { customerId } = parseInput(devCustomerLoginInput, ctx.request.body, 'dev-login');
      ctx.body = session(await services.customerAuth.devLogin(customerId));
    });
  }

  const me = requireCustomer(services);
  const portal = services.customerPortal;
  router.get('/my/policies', me, async (ctx) => {
    ctx.body = await portal.policies(customerOf(ctx.state));
  });
  router.get('/my/policies/:id', me, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await portal.policy(customerOf(ctx.state), id);
  });
  router.get('/my/claims', me, async (ctx) => {
    ctx.body = await portal.claims(customerOf(ctx.state));
  });
  router.get('/my/claims/:id', me, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await portal.claim(customerOf(ctx.state), id);
  });
  router.post('/my/claims', me, async (ctx) => {
    const input = parseInput(reportClaimInput, ctx.request.body, 'claim');
    const origin = { source: 'api' as const, requestId: ctx.state.requestId, ip: ctx.ip };
    ctx.status = 201;
    ctx.body = await portal.reportClaim(customerOf(ctx.state), input, origin);
  });
  router.post('/my/claims/:id/photos', me, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const { dataUrl } = parseInput(claimPhotoInput, ctx.request.body, 'photo');
    ctx.status = 201;
    ctx.body = await portal.addClaimPhoto(customerOf(ctx.state), id, dataUrl);
  });
  router.get('/my/advisor', me, async (ctx) => {
    ctx.body = await portal.advisor(customerOf(ctx.state));
  });
  router.get('/my/subscriptions', me, async (ctx) => {
    ctx.body = await portal.subscriptions(customerOf(ctx.state));
  });
  router.put('/my/subscriptions', me, async (ctx) => {
    const input = parseInput(subscriptionsInput, ctx.request.body, 'subscriptions');
    ctx.body = await portal.saveSubscriptions(customerOf(ctx.state), input);
  });
  return router;
}
