import type * as T from './types';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One API operation: method, path template and (type-only) the response and body types. */
export interface Endpoint<Res, Body, Path extends string> {
  method: Method;
  path: Path;
  /** Sends the session token; a missing or rejected session sends the user to the login page. */
  auth: boolean;
  /** Never set: carries the types from this table to `api()`. */
  readonly __types?: { res: Res; body: Body };
}

/** `'/customers/:id/invite'` → `'id'`: `api()` then demands `params: { id }`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

const op =
  <Res, Body = undefined>(method: Method, auth = true) =>
  <P extends string>(path: P): Endpoint<Res, Body, P> => ({ method, path, auth });

/** Every API call the mini-program makes, in one table (miniprogram/README.md lists it too). */
export const endpoints = {
  // Sessions
  devLogin: op<T.DevLoginResponse, { userId: string }>('POST', false)('/api/v1/auth/dev-login'),
  me: op<T.MeResponse>('GET')('/api/v1/me'),

  // Agent mode
  customers: op<T.Page<T.CustomerSummary>>('GET')('/api/v1/customers'),
  customer: op<T.Customer360>('GET')('/api/v1/customers/:id'),
  customerTimeline: op<T.Page<T.TimelineEvent>>('GET')('/api/v1/customers/:id/timeline'),
  createInvite: op<T.InviteCode>('POST')('/api/v1/customers/:id/invite'),
  createInteraction: op<T.Interaction, T.NewInteraction>('POST')('/api/v1/interactions'),
  tasks: op<T.Page<T.Task>>('GET')('/api/v1/tasks'),
  completeTask: op<T.Task, { status: 'done' }>('PATCH')('/api/v1/tasks/:id'),
  policies: op<T.Page<T.Policy>>('GET')('/api/v1/policies'),
  claims: op<T.Page<T.Claim>>('GET')('/api/v1/claims'),
  leads: op<T.Page<T.Lead>>('GET')('/api/v1/leads'),
  leadPool: op<T.Page<T.Lead>>('GET')('/api/v1/leads/pool'),
  claimLead: op<T.Lead>('POST')('/api/v1/leads/:id/claim'),
  kpis: op<T.Kpis>('GET')('/api/v1/reports/kpis'),

  // Sign-in inside WeCom (wx.qy.login) and for customers (wx.login, then binding when new).
  wecomMiniLogin: op<T.DevLoginResponse, { code: string }>('POST', false)('/api/v1/auth/wecom-mini-login'),
  wechatLogin: op<T.CustomerLoginResponse, { code: string }>(
    'POST',
    false,
  )('/api/v1/customer-auth/wechat-login'),
  bindByInvite: op<T.CustomerSessionResponse, { bindTicket: string; inviteCode: string }>(
    'POST',
    false,
  )('/api/v1/customer-auth/bind-invite'),
  bindByPhone: op<T.CustomerSessionResponse, { bindTicket: string; phoneCode: string }>(
    'POST',
    false,
  )('/api/v1/customer-auth/bind-phone'),
  devCustomers: op<T.Page<{ id: string; name: string }>>('GET', false)('/api/v1/customer-auth/dev-customers'),
  devCustomerLogin: op<T.CustomerSessionResponse, { customerId: string }>(
    'POST',
    false,
  )('/api/v1/customer-auth/dev-login'),

  // Customer mode: the signed-in customer's own records (the session decides whose).
  myPolicies: op<T.Page<T.Policy>>('GET')('/api/v1/my/policies'),
  myPolicy: op<T.MyPolicyDetail>('GET')('/api/v1/my/policies/:id'),
  myClaims: op<T.Page<T.Claim>>('GET')('/api/v1/my/claims'),
  myClaim: op<T.Claim>('GET')('/api/v1/my/claims/:id'),
  reportClaim: op<T.Claim, T.NewClaimReport>('POST')('/api/v1/my/claims'),
  addClaimPhoto: op<{ count: number }, { dataUrl: string }>('POST')('/api/v1/my/claims/:id/photos'),
  myAdvisor: op<T.Advisor>('GET')('/api/v1/my/advisor'),
  mySubscriptions: op<T.Subscriptions>('GET')('/api/v1/my/subscriptions'),
  saveSubscriptions: op<T.Subscriptions, T.SubscriptionsInput>('PUT')('/api/v1/my/subscriptions'),
} as const;
