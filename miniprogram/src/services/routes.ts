// Page paths in one place: app.config.ts lists them, navigation uses them, the tests open them.
export const routes = {
  login: '/pages/login/index',
  // Agent mode (inside WeCom)
  workbench: '/pages/agent/workbench/index',
  customers: '/pages/agent/customers/index',
  customerDetail: '/pages/agent/customer-detail/index',
  logInteraction: '/pages/agent/log-interaction/index',
  leads: '/pages/agent/leads/index',
  reports: '/pages/agent/reports/index',
  // Customer mode (WeChat)
  myPolicies: '/pages/customer/policies/index',
  policyDetail: '/pages/customer/policy-detail/index',
  claimProgress: '/pages/customer/claim/index',
  reportClaim: '/pages/customer/report-claim/index',
  advisor: '/pages/customer/advisor/index',
} as const;

export type RouteName = keyof typeof routes;

/** `routes.x` with a query string, e.g. withQuery(routes.customerDetail, { id }). */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const parts = Object.entries(query)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
}
