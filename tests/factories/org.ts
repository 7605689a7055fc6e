import { randomBytes } from 'node:crypto';
import type { Role } from '#core/auth/scope';
import type { Database } from '#core/db/database';
import {
  createUserRepository,
  type BranchRecord,
  type TeamRecord,
  type UserRecord,
} from '#core/user/user.repository';

const suffix = () => randomBytes(4).toString('hex');

/** Builds org data straight through the repository (no HTTP), each call with unique names. */
export function orgFactory(db: () => Database) {
  const repo = () => createUserRepository(db().models);
  return {
    async branch(over: Partial<{ name: string; region: string }> = {}): Promise<BranchRecord> {
      return repo().insertBranch({ name: `分部-${suffix()}`, region: '上海', ...over });
    },
    async team(branch?: BranchRecord, over: Partial<{ name: string }> = {}): Promise<TeamRecord> {
      const b = branch ?? (await this.branch());
      return repo().insertTeam({ name: `团队-${suffix()}`, branchId: b.id, ...over });
    },
    async user(
      role: Role,
      placement: { team?: TeamRecord; branch?: BranchRecord } = {},
      over: Partial<Pick<UserRecord, 'name' | 'wecomUserId' | 'active' | 'region'>> = {},
    ): Promise<UserRecord> {
      let team = placement.team;
      if (!team && (role === 'agent' || role === 'team_lead')) team = await this.team(placement.branch);
      const branchId =
        team?.branchId ??
        placement.branch?.id ??
        (role === 'branch_manager' ? (await this.branch()).id : undefined);
      return repo().insertUser({
        name: over.name ?? `用户${suffix()}`,
        role,
        wecomUserId: over.wecomUserId ?? `u_${suffix()}`,
        teamId: team?.id,
        branchId,
        region: over.region,
        productLines: [],
        active: over.active ?? true,
      });
    },
  };
}

/** A fresh app and a signed-in admin: `{ t, admin, auth }` with `auth` ready for the Authorization header. */
export async function signedInAdmin(db: () => Database) {
  const { buildTestApp } = await import('../setup/test-app.js');
  const t = buildTestApp(db());
  const admin = await orgFactory(db).user('admin');
  return { t, admin, auth: `Bearer ${await t.tokenFor(admin)}` };
}
