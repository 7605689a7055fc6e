import { z } from 'zod';
import { ROLES } from '../auth/scope.js';
import { objectIdString } from '../validation.js';

/** POST /users body. */
export const createUserInput = z.strictObject({
  name: z.string().trim().min(1).max(40),
  role: z.enum(ROLES),
  wecomUserId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'WeCom userid 只能包含字母、数字和 _ . @ -'),
  teamId: objectIdString.optional(),
  branchId: objectIdString.optional(),
  region: z.string().trim().max(40).optional(),
  productLines: z.array(z.string().trim().min(1).max(20)).max(20).optional(),
});
export type CreateUserInput = z.infer<typeof createUserInput>;

/** GET /users query. */
export const listUsersQuery = z.strictObject({
  role: z.enum(ROLES).optional(),
  teamId: objectIdString.optional(),
  branchId: objectIdString.optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListUsersQuery = z.infer<typeof listUsersQuery>;

export const createBranchInput = z.strictObject({
  name: z.string().trim().min(1).max(40),
  region: z.string().trim().max(40).optional(),
});
export type CreateBranchInput = z.infer<typeof createBranchInput>;

export const createTeamInput = z.strictObject({
  name: z.string().trim().min(1).max(40),
  branchId: objectIdString,
});
export type CreateTeamInput = z.infer<typeof createTeamInput>;
