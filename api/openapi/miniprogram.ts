import {
  bindInviteInput,
  bindPhoneInput,
  claimPhotoInput,
  devCustomerLoginInput,
  loginCodeInput,
  reportClaimInput,
  subscriptionsInput,
} from '#core/customer-auth/customer-auth.schemas';
import { body, errorResponse, idParam, ok, secured, type OpenApiFragment } from './common.js';

const customerSession = {
  type: 'object',
  required: ['token', 'expiresAt', 'customer'],
  properties: {
    token: { type: 'string', description: 'Customer session (c1.…); accepted only on /api/v1/my/…' },
    expiresAt: { type: 'string', format: 'date-time' },
    customer: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
  },
};
const customerAuthErrors = { '401': errorResponse('Missing, tampered or expired customer session') };
const obj = { type: 'object' };
// A category switched off stops those messages (the outbox records them as skipped `opted_out`);
// categories never saved are on.
const subscriptions = {
  type: 'object',
  required: ['claimProgress', 'renewalReminder', 'careGreetings', 'channel'],
  properties: {
    claimProgress: {
      type: 'boolean',
      description: '理赔进度通知: claim status changes and the survey after closure',
    },
    renewalReminder: {
      type: 'boolean',
      description: '续保提醒: renewal reminders (subscribe and WeCom messages)',
    },
    careGreetings: { type: 'boolean', description: '关怀问候: birthday and festival greetings' },
    channel: { enum: ['wechat_subscribe', 'sms'] },
  },
};

/** The mini-program's endpoints: sign-in for WeCom members and WeChat customers, and the customer's records. */
export function miniprogramOpenApi(opts: { devLogin: boolean }): OpenApiFragment {
  const paths: Record<string, unknown> = {
    '/api/v1/auth/wecom-mini-login': {
      post: {
        summary: 'Agent mode inside WeCom: a wx.qy.login code → miniprogram/jscode2session → staff session',
        requestBody: body(loginCodeInput),
        responses: {
          '200': ok('Staff session', obj),
          '400': errorResponse('Bad body'),
          '401': errorResponse('Code refused'),
        },
      },
    },
    '/api/v1/customers/{id}/invite': {
      post: {
        summary:
          'An 8-character invite code (7 days, single use) a customer enters to bind their WeChat account',
        security: secured,
        parameters: [idParam],
        responses: {
          '201': ok('Invite', {
            type: 'object',
            properties: { code: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
          }),
          '404': errorResponse('Customer not in the caller’s scope'),
        },
      },
    },
    '/api/v1/customer-auth/wechat-login': {
      post: {
        summary: 'wx.login code → jscode2session → a session when bound, else a 10-minute bind ticket',
        requestBody: body(loginCodeInput),
        responses: {
          '200': ok('Bound (session) or not (bindTicket)', {
            oneOf: [
              { allOf: [{ type: 'object', properties: { bound: { const: true } } }, customerSession] },
              {
                type: 'object',
                properties: {
                  bound: { const: false },
                  bindTicket: { type: 'string' },
                  expiresAt: { type: 'string' },
                },
              },
            ],
          }),
          '401': errorResponse('Code refused by WeChat'),
        },
      },
    },
    '/api/v1/customer-auth/bind-invite': {
      post: {
        summary: 'Bind the ticket’s WeChat user to the customer of an invite code (used up)',
        requestBody: body(bindInviteInput),
        responses: {
          '200': ok('Session', customerSession),
          '400': errorResponse('Invite invalid, used or expired'),
          '401': errorResponse('Ticket invalid'),
        },
      },
    },
    '/api/v1/customer-auth/bind-phone': {
      post: {
        summary: 'Bind by the phone number WeChat verified (getPhoneNumber code → getuserphonenumber)',
        requestBody: body(bindPhoneInput),
        responses: {
          '200': ok('Session', customerSession),
          '404': errorResponse('No customer has that phone'),
          '401': errorResponse('Ticket invalid'),
        },
      },
    },
    '/api/v1/my/policies': {
      get: {
        summary: 'The customer’s policies with days to expiry',
        security: secured,
        responses: { '200': ok('Policies', obj), ...customerAuthErrors },
      },
    },
    '/api/v1/my/policies/{id}': {
      get: {
        summary: 'One of the customer’s policies with its claims',
        security: secured,
        parameters: [idParam],
        responses: {
          '200': ok('Policy', obj),
          '404': errorResponse('Not the customer’s policy'),
          ...customerAuthErrors,
        },
      },
    },
    '/api/v1/my/claims': {
      get: {
        summary: 'The customer’s claims with their timelines',
        security: secured,
        responses: { '200': ok('Claims', obj), ...customerAuthErrors },
      },
      post: {
        summary: '报案: report a claim on one of the customer’s in-force policies',
        security: secured,
        requestBody: body(reportClaimInput),
        responses: {
          '201': ok('Claim (reported)', obj),
          '400': errorResponse('Invalid, or incident outside the policy period'),
          '404': errorResponse('Not the customer’s policy'),
          ...customerAuthErrors,
        },
      },
    },
    '/api/v1/my/claims/{id}': {
      get: {
        summary: 'One claim and its timeline (mirrors the status machine)',
        security: secured,
        parameters: [idParam],
        responses: {
          '200': ok('Claim', obj),
          '404': errorResponse('Not the customer’s claim'),
          ...customerAuthErrors,
        },
      },
    },
    '/api/v1/my/claims/{id}/photos': {
      post: {
        summary: 'Attach a photo (data URL, ≤ 180 KiB, at most 3 per claim)',
        security: secured,
        parameters: [idParam],
        requestBody: body(claimPhotoInput),
        responses: {
          '201': ok('Photo count', obj),
          '409': errorResponse('Photo limit reached'),
          '413': errorResponse('Photo too large'),
          ...customerAuthErrors,
        },
      },
    },
    '/api/v1/my/advisor': {
      get: {
        summary: 'The customer’s owner agent (我的顾问)',
        security: secured,
        responses: { '200': ok('Advisor', obj), ...customerAuthErrors },
      },
    },
    '/api/v1/my/subscriptions': {
      get: {
        summary: 'Notification choices',
        security: secured,
        responses: { '200': ok('Subscriptions', subscriptions), ...customerAuthErrors },
      },
      put: {
        summary: 'Save notification choices (weapp: accepted subscribe-message templates; h5: SMS)',
        security: secured,
        requestBody: body(subscriptionsInput),
        responses: {
          '200': ok('Subscriptions', subscriptions),
          '400': errorResponse('Bad body'),
          ...customerAuthErrors,
        },
      },
    },
  };
  if (opts.devLogin) {
    paths['/api/v1/customer-auth/dev-customers'] = {
      get: {
        summary: 'Development only: customers for the dev login screen',
        responses: { '200': ok('Customers', obj) },
      },
    };
    paths['/api/v1/customer-auth/dev-login'] = {
      post: {
        summary: 'Development only: a customer session without WeChat (the H5 build)',
        requestBody: body(devCustomerLoginInput),
        responses: { '200': ok('Session', customerSession), '404': errorResponse('No such customer') },
      },
    };
  }
  return { paths };
}
