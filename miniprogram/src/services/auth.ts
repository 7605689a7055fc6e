import Taro from '@tarojs/taro';
import { endpoints } from './endpoints';
import { api } from './request';
import { routes } from './routes';
import { saveSession, type Session } from './session';
import type { CustomerSessionResponse, DevLoginResponse } from './types';

const ROLE_LABELS: Record<string, string> = {
  agent: '业务员',
  team_lead: '团队主管',
  branch_manager: '分公司经理',
  admin: '管理员',
  customer: '客户',
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

/** Where a signed-in user starts: agents their workbench, customers their policies. */
export function homeOf(session: Pick<Session, 'kind'>): string {
  return session.kind === 'customer' ? routes.myPolicies : routes.workbench;
}

function staffSession(res: DevLoginResponse): Session {
  const s: Session = {
    token: res.token,
    kind: 'staff',
    name: res.user.name,
    role: res.user.role,
    expiresAt: res.expiresAt,
  };
  saveSession(s);
  return s;
}

function customerSession(res: CustomerSessionResponse): Session {
  const s: Session = {
    token: res.token,
    kind: 'customer',
    name: res.customer.name,
    role: 'customer',
    expiresAt: res.expiresAt,
  };
  saveSession(s);
  return s;
}

/** The simulator's login for staff (development and the H5 build): POST /auth/dev-login. */
export async function devLoginStaff(userId: string): Promise<Session> {
  return staffSession(await api(endpoints.devLogin, { body: { userId } }));
}

/** Development and H5: sign in as a customer picked from the demo list. */
export async function devLoginCustomer(customerId: string): Promise<Session> {
  return customerSession(await api(endpoints.devCustomerLogin, { body: { customerId } }));
}

/** Development login screen: in the H5 build always, on weapp only when TARO_APP_DEV_LOGIN=true. */
export function devLoginEnabled(): boolean {
  return process.env.TARO_ENV === 'h5' || process.env.TARO_APP_DEV_LOGIN === 'true';
}

/** True inside WeCom (企业微信), where agents open the mini-program. */
export function inWecom(): boolean {
  if (process.env.TARO_ENV !== 'weapp') return false;
  return Taro.getSystemInfoSync().environment === 'wxwork';
}

/** Agent mode inside WeCom: wx.qy.login → API → miniprogram/jscode2session. */
export async function wecomLogin(): Promise<Session> {
  const qy = typeof wx === 'undefined' ? undefined : wx?.qy;
  if (!qy) throw new Error('wx.qy is not available outside WeCom');
  const code = await new Promise<string>((resolve, reject) =>
    qy.login({ success: (r) => resolve(r.code), fail: reject }),
  );
  return staffSession(await api(endpoints.wecomMiniLogin, { body: { code } }));
}

/** Customer mode in WeChat: wx.login → API → jscode2session. A new user gets a ticket to bind with. */
export async function wechatLogin(): Promise<{ session: Session } | { bindTicket: string }> {
  const { code } = await Taro.login();
  const res = await api(endpoints.wechatLogin, { body: { code } });
  return res.bound ? { session: customerSession(res) } : { bindTicket: res.bindTicket };
}

export async function bindByInvite(bindTicket: string, inviteCode: string): Promise<Session> {
  return customerSession(await api(endpoints.bindByInvite, { body: { bindTicket, inviteCode } }));
}

/** The code from <Button openType="getPhoneNumber">: the API asks WeChat for the verified number. */
export async function bindByPhone(bindTicket: string, phoneCode: string): Promise<Session> {
  return customerSession(await api(endpoints.bindByPhone, { body: { bindTicket, phoneCode } }));
}

export async function goHome(session: Session): Promise<void> {
  await Taro.reLaunch({ url: homeOf(session) });
}
