import { Types } from 'mongoose';
import type { Role } from '../auth/scope.js';
import type { UserModels } from './user.model.js';

/** A staff member as the rest of the code sees it: plain data, string ids. */
export interface UserRecord {
  id: string;
  name: string;
  role: Role;
  wecomUserId: string;
  teamId: string | undefined;
  branchId: string | undefined;
  region: string | undefined;
  productLines: string[];
  active: boolean;
  deactivatedAt: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface BranchRecord {
  id: string;
  name: string;
  region: string | undefined;
  createdAt: Date;
}

export interface TeamRecord {
  id: string;
  name: string;
  branchId: string;
  createdAt: Date;
}

interface UserLean {
  _id: Types.ObjectId;
  name: string;
  role: Role;
  wecomUserId: string;
  teamId?: Types.ObjectId | null;
  branchId?: Types.ObjectId | null;
  region?: string | null;
  productLines?: string[] | null;
  active: boolean;
  deactivatedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const toUser = (d: UserLean): UserRecord => ({
  id: d._id.toString(),
  name: d.name,
  role: d.role,
  wecomUserId: d.wecomUserId,
  teamId: d.teamId?.toString(),
  branchId: d.branchId?.toString(),
  region: d.region ?? undefined,
  productLines: d.productLines ?? [],
  active: d.active,
  deactivatedAt: d.deactivatedAt ?? undefined,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

interface BranchLean {
  _id: Types.ObjectId;
  name: string;
  region?: string | null;
  createdAt: Date;
}
interface TeamLean {
  _id: Types.ObjectId;
  name: string;
  branchId: Types.ObjectId;
  createdAt: Date;
}
const toBranch = (d: BranchLean): BranchRecord => ({
  id: d._id.toString(),
  name: d.name,
  region: d.region ?? undefined,
  createdAt: d.createdAt,
});
const toTeam = (d: TeamLean): TeamRecord => ({
  id: d._id.toString(),
  name: d.name,
  branchId: d.branchId.toString(),
  createdAt: d.createdAt,
});

const oid = (id: string) => new Types.ObjectId(id);
const oidOrUndefined = (id: string | undefined) => (id ? oid(id) : undefined);

export interface UserFilter {
  role?: Role | undefined;
  teamId?: string | undefined;
  branchId?: string | undefined;
  active?: boolean | undefined;
}

/** Data access for users, teams and branches. Org data is not customer data: it is not scoped. */
export function createUserRepository(models: UserModels) {
  const { User, Team, Branch } = models;
  return {
    async insertUser(
      u: Omit<UserRecord, 'id' | 'createdAt' | 'updatedAt' | 'deactivatedAt'>,
    ): Promise<UserRecord> {
      const doc = await User.create({
        ...u,
        teamId: oidOrUndefined(u.teamId),
        branchId: oidOrUndefined(u.branchId),
      });
      return toUser(doc.toObject<UserLean>());
    },

    async findUserById(id: string): Promise<UserRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await User.findById(id).lean<UserLean>();
      return d ? toUser(d) : undefined;
    },

    async findUserByWecomId(wecomUserId: string): Promise<UserRecord | undefined> {
      const d = await User.findOne({ wecomUserId }).lean<UserLean>();
      return d ? toUser(d) : undefined;
    },

    async listUsers(
      filter: UserFilter,
      page: { skip: number; limit: number },
    ): Promise<{ items: UserRecord[]; total: number }> {
      const q: Record<string, unknown> = {};
      if (filter.role) q.role = filter.role;
      if (filter.teamId) q.teamId = oid(filter.teamId);
      if (filter.branchId) q.branchId = oid(filter.branchId);
      if (filter.active !== undefined) q.active = filter.active;
      const [docs, total] = await Promise.all([
        User.find(q).sort({ createdAt: 1, _id: 1 }).skip(page.skip).limit(page.limit).lean<UserLean[]>(),
        User.countDocuments(q),
      ]);
      return { items: docs.map(toUser), total };
    },

    async deactivateUser(id: string, at: Date): Promise<UserRecord | undefined> {
      const d = await User.findOneAndUpdate(
        { _id: oid(id) },
        { $set: { active: false, deactivatedAt: at } },
        { returnDocument: 'after' },
      ).lean<UserLean>();
      return d ? toUser(d) : undefined;
    },

    /** Idempotent create-or-update by natural key (seed and imports). */
    async upsertBranch(b: { name: string; region?: string | undefined }): Promise<BranchRecord> {
      const d = await Branch.findOneAndUpdate(
        { name: b.name },
        { $set: { region: b.region } },
        { upsert: true, returnDocument: 'after' },
      ).lean<BranchLean>();
      return toBranch(d as BranchLean);
    },

    async upsertTeam(t: { name: string; branchId: string }): Promise<TeamRecord> {
      const d = await Team.findOneAndUpdate(
        { branchId: oid(t.branchId), name: t.name },
        { $setOnInsert: { branchId: oid(t.branchId), name: t.name } },
        { upsert: true, returnDocument: 'after' },
      ).lean<TeamLean>();
      return toTeam(d as TeamLean);
    },

    async upsertUserByWecomId(
      u: Omit<UserRecord, 'id' | 'createdAt' | 'updatedAt' | 'deactivatedAt' | 'active'>,
    ): Promise<UserRecord> {
      const d = await User.findOneAndUpdate(
        { wecomUserId: u.wecomUserId },
        {
          $set: {
            name: u.name,
            role: u.role,
            teamId: oidOrUndefined(u.teamId),
            branchId: oidOrUndefined(u.branchId),
            region: u.region,
            productLines: u.productLines,
          },
          $setOnInsert: { active: true },
        },
        { upsert: true, returnDocument: 'after' },
      ).lean<UserLean>();
      return toUser(d as UserLean);
    },

    async insertBranch(b: { name: string; region?: string | undefined }): Promise<BranchRecord> {
      return toBranch((await Branch.create(b)).toObject<BranchLean>());
    },

    async findBranchById(id: string): Promise<BranchRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Branch.findById(id).lean<BranchLean>();
      return d ? toBranch(d) : undefined;
    },

    async listBranches(): Promise<BranchRecord[]> {
      const docs = await Branch.find().sort({ name: 1 }).limit(1000).lean<BranchLean[]>();
      return docs.map(toBranch);
    },

    async insertTeam(t: { name: string; branchId: string }): Promise<TeamRecord> {
      return toTeam((await Team.create({ name: t.name, branchId: oid(t.branchId) })).toObject<TeamLean>());
    },

    async findTeamById(id: string): Promise<TeamRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Team.findById(id).lean<TeamLean>();
      return d ? toTeam(d) : undefined;
    },

    async listTeams(branchId?: string): Promise<TeamRecord[]> {
      const docs = await Team.find(branchId ? { branchId: oid(branchId) } : {})
        .sort({ name: 1 })
        .limit(1000)
        .lean<TeamLean[]>();
      return docs.map(toTeam);
    },
  };
}
export type UserRepository = ReturnType<typeof createUserRepository>;
