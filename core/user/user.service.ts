import { requireRole, type Principal } from '../auth/scope.js';
import { isDuplicateKeyError } from '../db/errors.js';
import { AppError, notFound } from '../errors.js';
import type { UserFilter, UserRecord, UserRepository, BranchRecord, TeamRecord } from './user.repository.js';
import type { CreateBranchInput, CreateTeamInput, CreateUserInput, ListUsersQuery } from './user.schemas.js';

const placementError = (message: string, userMessage: string) =>
  new AppError('USER_PLACEMENT_INVALID', message, { userMessage });

/** Org administration: users, teams and branches. Every operation is for admins. */
export function createUserService(deps: { users: UserRepository; clock: () => Date }) {
  const { users } = deps;

  /** Where a new user sits: team implies branch; roles that have a scope need its placement. */
  async function resolvePlacement(input: CreateUserInput): Promise<{ teamId?: string; branchId?: string }> {
    let branchId = input.branchId;
    if (input.teamId) {
      const team = await users.findTeamById(input.teamId);
      if (!team) throw placementError(`team ${input.teamId} not found`, '所选团队不存在');
      if (branchId && branchId !== team.branchId) {
        throw placementError('team belongs to another branch', '团队不属于所选分支机构');
      }
      branchId = team.branchId;
    } else if (branchId && !(await users.findBranchById(branchId))) {
      throw placementError(`branch ${branchId} not found`, '所选分支机构不存在');
    }
    if ((input.role === 'agent' || input.role === 'team_lead') && !input.teamId) {
      throw placementError(`${input.role} needs a team`, '业务员和团队主管必须属于一个团队');
    }
    if (input.role === 'branch_manager' && !branchId) {
      throw placementError('branch_manager needs a branch', '分支经理必须属于一个分支机构');
    }
    return {
      ...(input.teamId ? { teamId: input.teamId } : {}),
      ...(branchId ? { branchId } : {}),
    };
  }

  return {
    async createUser(actor: Principal, input: CreateUserInput): Promise<UserRecord> {
      requireRole(actor, 'admin');
      const placement = await resolvePlacement(input);
      try {
        return await users.insertUser({
          name: input.name,
          role: input.role,
          wecomUserId: input.wecomUserId,
          teamId: placement.teamId,
          branchId: placement.branchId,
          region: input.region,
          productLines: input.productLines ?? [],
          active: true,
        });
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          const existing = await users.findUserByWecomId(input.wecomUserId);
          throw new AppError('USER_WECOM_ID_TAKEN', `wecomUserId ${input.wecomUserId} already used`, {
            userMessage: '该企业微信账号已绑定其他用户',
            details: existing ? { existingId: existing.id } : undefined,
          });
        }
        throw err;
      }
    },

    async getUser(actor: Principal, id: string): Promise<UserRecord> {
      requireRole(actor, 'admin');
      const user = await users.findUserById(id);
      if (!user) throw notFound('user', '用户不存在');
      return user;
    },

    async listUsers(actor: Principal, query: ListUsersQuery) {
      requireRole(actor, 'admin');
      const filter: UserFilter = {
        role: query.role,
        teamId: query.teamId,
        branchId: query.branchId,
        active: query.active,
      };
      const { items, total } = await users.listUsers(filter, {
        skip: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
      });
      return { items, total, page: query.page, pageSize: query.pageSize };
    },

    async deactivateUser(actor: Principal, id: string): Promise<UserRecord> {
      requireRole(actor, 'admin');
      if (actor.userId === id) {
        throw new AppError('USER_INACTIVE', 'admins cannot deactivate themselves', {
          userMessage: '不能停用自己的账号',
        });
      }
      const user = await users.deactivateUser(id, deps.clock());
      if (!user) throw notFound('user', '用户不存在');
      return user;
    },

    async createBranch(actor: Principal, input: CreateBranchInput): Promise<BranchRecord> {
      requireRole(actor, 'admin');
      try {
        return await users.insertBranch(input);
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          throw new AppError('BRANCH_NAME_TAKEN', 'branch name taken', { userMessage: '分支机构名称已存在' });
        }
        throw err;
      }
    },

    async listBranches(actor: Principal): Promise<BranchRecord[]> {
      requireRole(actor, 'admin');
      return users.listBranches();
    },

    async createTeam(actor: Principal, input: CreateTeamInput): Promise<TeamRecord> {
      requireRole(actor, 'admin');
      if (!(await users.findBranchById(input.branchId))) {
        throw placementError(`branch ${input.branchId} not found`, '所选分支机构不存在');
      }
      try {
        return await users.insertTeam(input);
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          throw new AppError('TEAM_NAME_TAKEN', 'team name taken in branch', {
            userMessage: '该分支机构下已有同名团队',
          });
        }
        throw err;
      }
    },

    async listTeams(actor: Principal, branchId?: string): Promise<TeamRecord[]> {
      requireRole(actor, 'admin');
      return users.listTeams(branchId);
    },
  };
}
export type UserService = ReturnType<typeof createUserService>;
