import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { deriveKey } from '../security/keys.js';
import { ROLES, type StaffPrincipal } from './scope.js';

const PREFIX = 'q1';

const payloadSchema = z.object({
  sub: z.string(),
  kind: z.literal('staff'),
  role: z.enum(ROLES),
  scope: z.discriminatedUnion('level', [
    z.object({ level: z.literal('own'), userId: z.string() }),
    z.object({ level: z.literal('team'), teamId: z.string() }),
    z.object({ level: z.literal('branch'), branchId: z.string() }),
    z.object({ level: z.literal('all') }),
  ]),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string(),
});

/** Signed session tokens: `q1.<base64url JSON>.<base64url HMAC-SHA256>`. */
export interface TokenService {
  issue(principal: StaffPrincipal): { token: string; expiresAt: Date };
  /** The principal inside a valid, unexpired token; otherwise TOKEN_INVALID / TOKEN_EXPIRED (401). */
  verify(token: string): StaffPrincipal;
}

/** Creates the token service; the HMAC key is derived from QIBAO_SECRET for this purpose only. */
export function createTokenService(opts: {
  secret: string;
  ttlSeconds: number;
  clock: () => Date;
}): TokenService {
  const key = deriveKey(opts.secret, 'session-token');
  const sign = (data: string) => createHmac('sha256', key).update(data).digest();
  const invalid = (why: string) =>
    new AppError('TOKEN_INVALID', `session token rejected: ${why}`, {
      userMessage: '登录凭证无效，请重新登录',
    });

  return {
    issue(principal) {
      const iat = Math.floor(opts.clock().getTime() / 1000);
      const exp = iat + opts.ttlSeconds;
      const payload = {
        sub: principal.userId,
        kind: principal.kind,
        role: principal.role,
        scope: principal.scope,
        iat,
        exp,
        jti: randomBytes(9).toString('base64url'),
      };
      const body = `${PREFIX}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return { token: `${body}.${sign(body).toString('base64url')}`, expiresAt: new Date(exp * 1000) };
    },

    verify(token) {
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== PREFIX) throw invalid('malformed');
      const [prefix, encoded, signature] = parts as [string, string, string];
      const expected = sign(`${prefix}.${encoded}`);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw invalid('bad signature');
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
      } catch {
        throw invalid('payload is not JSON');
      }
      const parsed = payloadSchema.safeParse(json);
      if (!parsed.success) throw invalid('payload shape');
      const p = parsed.data;
      if (p.exp * 1000 <= opts.clock().getTime()) {
        throw new AppError('TOKEN_EXPIRED', 'session token expired', {
          userMessage: '登录已过期，请重新登录',
        });
      }
      return { kind: 'staff', userId: p.sub, role: p.role, scope: p.scope };
    },
  };
}
