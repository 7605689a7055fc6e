import { AppError } from '../errors.js';
import type { UserRecord, UserRepository } from '../user/user.repository.js';
import { scopeFor, type StaffPrincipal } from './scope.js';
import type { TokenService } from './token.js';

/** Turns users into sessions and tokens back into principals. */
export function createAuthService(deps: { users: UserRepository; tokens: TokenService }) {
  const principalOf = (u: UserRecord): StaffPrincipal => ({
    kind: 'staff',
    userId: u.id,
    role: u.role,
    scope: scopeFor(u),
  });

  return {
    /**
     * Development-only login by user id or WeCom userid (the API registers it only in development).
     * Inactive or unknown users get the same answer, so the endpoint cannot probe accounts.
     */
    async devLogin(userIdOrWecomId: string) {
      const user =
        (await deps.users.findUserById(userIdOrWecomId)) ??
        (await deps.users.findUserByWecomId(userIdOrWecomId));
      if (!user || !user.active) {
        throw new AppError('UNAUTHENTICATED', 'dev-login: no active user with that id', {
          userMessage: '用户不存在或已停用',
        });
      }
      const principal = principalOf(user);
      return { ...deps.tokens.issue(principal), user, principal };
    },

    /**
     * The principal for a bearer token. The user must still be active and hold the same role and
     * placement as when the token was issued; otherwise the token no longer describes them (401).
     */
    async authenticate(token: string): Promise<{ principal: StaffPrincipal; user: UserRecord }> {
      const claimed = deps.tokens.verify(token);
      const user = await deps.users.findUserById(claimed.userId);
      if (!user || !user.active) {
        throw new AppError('TOKEN_INVALID', 'token user missing or inactive', {
          userMessage: '账号已停用，请联系管理员',
        });
      }
      const current = principalOf(user);
      if (current.role !== claimed.role || JSON.stringify(current.scope) !== JSON.stringify(claimed.scope)) {
        throw new AppError('TOKEN_INVALID', 'role or scope changed since the token was issued', {
          userMessage: '权限已变更，请重新登录',
        });
      }
      return { principal: current, user };
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
