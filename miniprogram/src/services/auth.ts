import Taro from '@tarojs/taro';
import { endpoints } from './endpoints';
import { api } from './request';
import { routes } from './routes';
import { saveSession, type Session } from './session';

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

/** The simulator's login for staff (development and the H5 build): POST /auth/dev-login. */
export async function devLoginStaff(userId: string): Promise<Session> {
  const res = await api(endpoints.devLogin, { body: { userId } });
  const session: Session = {
    token: res.token,
    kind: 'staff',
    name: res.user.name,
    role: res.user.role,
    expiresAt: res.expiresAt,
  };
  saveSession(session);
  return session;
}

/** Development login screen: in the H5 build always, on weapp only when TARO_APP_DEV_LOGIN=true. */
export function devLoginEnabled(): boolean {
  return process.env.TARO_ENV === 'h5' || process.env.TARO_APP_DEV_LOGIN === 'true';
}

export async function goHome(session: Session): Promise<void> {
  await Taro.reLaunch({ url: homeOf(session) });
}
