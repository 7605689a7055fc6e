import type { Role } from '#core/auth/scope';
import type { UserRecord, UserRepository } from '#core/user/user.repository';

interface SeedUser {
  wecomUserId: string;
  name: string;
  role: Role;
  team?: string;
  productLines?: string[];
}

const BRANCH = { name: '上海分公司', region: '上海' };
const TEAMS = ['浦东一部', '徐汇二部'];
const USERS: SeedUser[] = [
  { wecomUserId: 'admin', name: '系统管理员', role: 'admin' },
  { wecomUserId: 'wangjun', name: '王军', role: 'branch_manager' },
  { wecomUserId: 'liqiang', name: '李强', role: 'team_lead', team: '浦东一部' },
  { wecomUserId: 'zhaomin', name: '赵敏', role: 'team_lead', team: '徐汇二部' },
  { wecomUserId: 'zhangwei', name: '张伟', role: 'agent', team: '浦东一部', productLines: ['重疾', '医疗'] },
  { wecomUserId: 'liuyang', name: '刘洋', role: 'agent', team: '浦东一部', productLines: ['年金', '增额寿'] },
  {
    wecomUserId: 'chenjing',
    name: '陈静',
    role: 'agent',
    team: '浦东一部',
    productLines: ['车险', '财产险'],
  },
  { wecomUserId: 'yangfan', name: '杨帆', role: 'agent', team: '徐汇二部', productLines: ['重疾', '寿险'] },
  { wecomUserId: 'huangli', name: '黄丽', role: 'agent', team: '徐汇二部', productLines: ['医疗', '意外'] },
  { wecomUserId: 'zhoutao', name: '周涛', role: 'agent', team: '徐汇二部', productLines: ['年金', '寿险'] },
];

/**
 * The demo org: 1 branch, 2 teams, 1 branch manager, 2 team leads, 6 agents, 1 admin.
 * Idempotent: keyed by branch name, (branch, team name) and WeCom userid.
 */
export async function seedOrg(users: UserRepository): Promise<UserRecord[]> {
  const branch = await users.upsertBranch(BRANCH);
  const teams = new Map<string, string>();
  for (const name of TEAMS) teams.set(name, (await users.upsertTeam({ name, branchId: branch.id })).id);
  const out: UserRecord[] = [];
  for (const u of USERS) {
    const teamId = u.team ? teams.get(u.team) : undefined;
    out.push(
      await users.upsertUserByWecomId({
        wecomUserId: u.wecomUserId,
        name: u.name,
        role: u.role,
        teamId,
        branchId: u.role === 'admin' ? undefined : branch.id,
        region: BRANCH.region,
        productLines: u.productLines ?? [],
      }),
    );
  }
  return out;
}
