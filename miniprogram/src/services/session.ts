import Taro from '@tarojs/taro';

/** Who is signed in: a staff member (agent mode) or a customer (customer mode). */
export type SessionKind = 'staff' | 'customer';

export interface Session {
  token: string;
  kind: SessionKind;
  /** Display name shown in the header of the home page. */
  name: string;
  /** Staff role (agent, team_lead, …) or 'customer'. */
  role: string;
  /** ISO time; an expired session is dropped before it is ever sent. */
  expiresAt: string;
}

const KEY = 'qibao.session';

// Kept in memory too: storage reads are synchronous bridge calls on weapp, and every request needs it.
let current: Session | null | undefined;

export function getSession(now: Date = new Date()): Session | null {
  if (current === undefined) {
    const stored: unknown = Taro.getStorageSync(KEY);
    current = isSession(stored) ? stored : null;
  }
  if (current && Date.parse(current.expiresAt) <= now.getTime()) clearSession();
  return current ?? null;
}

export function saveSession(session: Session): void {
  current = session;
  Taro.setStorageSync(KEY, session);
}

export function clearSession(): void {
  current = null;
  Taro.removeStorageSync(KEY);
}

function isSession(v: unknown): v is Session {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.token === 'string' &&
    (s.kind === 'staff' || s.kind === 'customer') &&
    typeof s.name === 'string' &&
    typeof s.role === 'string' &&
    typeof s.expiresAt === 'string'
  );
}
