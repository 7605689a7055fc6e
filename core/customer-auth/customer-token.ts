import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { deriveKey } from '../security/keys.js';

/** A signed-in customer: they see their own records and nothing else. */
export interface CustomerPrincipal {
  kind: 'customer';
  customerId: string;
}

// Customer sessions and bind tickets use their own prefix and their own key (a sub-key of the session
// key), so a customer token is never accepted where a staff token is expected, and the reverse.
const SESSION = 'c1';
const TICKET = 't1';

const sessionPayload = z.object({
  sub: z.string(),
  kind: z.literal('customer'),
  exp: z.number(),
  jti: z.string(),
});
const ticketPayload = z.object({
  openId: z.string(),
  unionId: z.string().optional(),
  appId: z.string(),
  exp: z.number(),
});
export type BindTicket = z.infer<typeof ticketPayload>;

/** Signs and checks customer session tokens and short-lived bind tickets (`<prefix>.<json>.<hmac>`). */
export function createCustomerTokens(opts: { secret: string; ttlSeconds: number; clock: () => Date }) {
  const key = createHmac('sha256', deriveKey(opts.secret, 'session-token'))
    .update('qibao customer tokens')
    .digest();
  const mac = (data: string) => createHmac('sha256', key).update(data).digest();
  const now = () => Math.floor(opts.clock().getTime() / 1000);

  function seal(prefix: string, payload: object): string {
    const body = `${prefix}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${body}.${mac(body).toString('base64url')}`;
  }

  function open(prefix: string, token: string): unknown {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== prefix) return undefined;
    const [p, encoded, signature] = parts as [string, string, string];
    const given = Buffer.from(signature, 'base64url');
    const expected = mac(`${p}.${encoded}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  }

  return {
    issueSession(customerId: string): { token: string; expiresAt: Date } {
      const exp = now() + opts.ttlSeconds;
      const token = seal(SESSION, {
        sub: customerId,
        kind: 'customer',
        exp,
        jti: randomBytes(9).toString('base64url'),
      });
      return { token, expiresAt: new Date(exp * 1000) };
    },

    verifySession(token: string): CustomerPrincipal {
      const parsed = sessionPayload.safeParse(open(SESSION, token));
      if (!parsed.success) {
        throw new AppError('TOKEN_INVALID', 'customer session token rejected', {
          userMessage: '登录凭证无效，请重新登录',
        });
      }
      if (parsed.data.exp <= now()) {
        throw new AppError('TOKEN_EXPIRED', 'customer session expired', {
          userMessage: '登录已过期，请重新登录',
        });
      }
      return { kind: 'customer', customerId: parsed.data.sub };
    },

    /** A ticket proving "this WeChat user logged in" for 10 minutes, to bind by phone or invite code. */
    issueTicket(t: Omit<BindTicket, 'exp'>): { ticket: string; expiresAt: Date } {
      const exp = now() + 600;
      return { ticket: seal(TICKET, { ...t, exp }), expiresAt: new Date(exp * 1000) };
    },

    verifyTicket(ticket: string): BindTicket {
      const parsed = ticketPayload.safeParse(open(TICKET, ticket));
      if (!parsed.success || parsed.data.exp <= now()) {
        throw new AppError('UNAUTHENTICATED', 'bind ticket invalid or expired', {
          userMessage: '登录已超时，请重新打开小程序',
        });
      }
      return parsed.data;
    },

    /** Keyed hash of an invite code (stored instead of the code). */
    inviteHash(code: string): string {
      return createHmac('sha256', key).update(`invite:${code}`).digest('hex');
    },
  };
}
export type CustomerTokens = ReturnType<typeof createCustomerTokens>;
