import { AppError } from '../errors.js';

export const ROLES = ['agent', 'team_lead', 'branch_manager', 'admin'] as const;
/** A staff member's role; it decides the data scope. */
export type Role = (typeof ROLES)[number];

/**
 * Which records a staff member may see: an agent their own, a team lead their team's,
 * a branch manager their branch's, an admin all. Repositories take this, so an unscoped
 * read of agent-visible data does not compile.
 */
export type DataScope =
  | { level: 'own'; userId: string }
  | { level: 'team'; teamId: string }
  | { level: 'branch'; branchId: string }
  | { level: 'all' };

/** The authenticated caller of an API route, bot message or job acting for someone. */
export interface StaffPrincipal {
  kind: 'staff';
  userId: string;
  role: Role;
  scope: DataScope;
}

/** Every kind of principal (customers join in the mini-program issue). */
export type Principal = StaffPrincipal;

/** The scope a role implies, from the user's org placement. Throws if the placement is incomplete. */
export function scopeFor(user: {
  id: string;
  role: Role;
  teamId?: string | undefined;
  branchId?: string | undefined;
}): DataScope {
  switch (user.role) {
    case 'agent':
      return { level: 'own', userId: user.id };
    case 'team_lead':
      if (!user.teamId) throw new Error(`team lead ${user.id} has no team`);
      return { level: 'team', teamId: user.teamId };
    case 'branch_manager':
      if (!user.branchId) throw new Error(`branch manager ${user.id} has no branch`);
      return { level: 'branch', branchId: user.branchId };
    case 'admin':
      return { level: 'all' };
  }
}

/** Refuses (403) a principal whose role is not in `roles`. */
export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new AppError('FORBIDDEN', `role ${principal.role} may not do this (needs ${roles.join('|')})`, {
      userMessage: '没有权限执行此操作',
    });
  }
}
