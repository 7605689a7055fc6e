import type { WecomModels } from './wecom.model.js';

/** A freshly issued token and its lifetime (seconds), as gettoken / stable_token return them. */
export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface TokenCacheDeps {
  models: Pick<WecomModels, 'WecomAccessToken'>;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** How long one process may hold the refresh lease before others assume it died. */
  leaseMs?: number;
  /** How often a process waiting for another's refresh re-reads the row. */
  pollMs?: number;
}

interface TokenRow {
  accessToken?: string | null;
  expiresAt?: Date | null;
}

const isDuplicateKey = (err: unknown) => (err as { code?: unknown }).code === 11000;

/**
 * access_token cache shared through the database, so the api, bot and job processes use one token
 * per (app, secret) instead of invalidating each other's. Refresh is single-flight twice over: one
 * promise per key inside a process, and a lease row across processes.
 */
export function createTokenCache(deps: TokenCacheDeps) {
  const { WecomAccessToken } = deps.models;
  const leaseMs = deps.leaseMs ?? 10_000;
  const pollMs = deps.pollMs ?? 100;
  const inFlight = new Map<string, Promise<string>>();

  const usable = (row: TokenRow | null | undefined, now: Date): string | undefined =>
    row?.accessToken && row.expiresAt && row.expiresAt.getTime() > now.getTime()
      ? row.accessToken
      : undefined;

  async function obtain(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
    for (;;) {
      const now = deps.clock();
      const current = await WecomAccessToken.findOne({ key }).lean<TokenRow>();
      const cached = usable(current, now);
      if (cached) return cached;
      // Take the refresh lease; the upsert collides with the unique key when someone else holds it.
      let leased: TokenRow | null = null;
      try {
        leased = await WecomAccessToken.findOneAndUpdate(
          { key, $or: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { $lt: now } }] },
          { $set: { refreshLeaseUntil: new Date(now.getTime() + leaseMs) } },
          { upsert: true, returnDocument: 'after' },
        ).lean<TokenRow>();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      if (!leased) {
        await deps.sleep(pollMs);
        continue;
      }
      const raced = usable(leased, deps.clock());
      if (raced) {
        await WecomAccessToken.updateOne({ key }, { $unset: { refreshLeaseUntil: 1 } });
        return raced;
      }
      try {
        const issued = await fetchToken();
        const fetchedAt = deps.clock();
        // Renew a little early (10 % of the lifetime, at most 5 min) so a token never dies mid-request.
        const marginS = Math.min(300, issued.expiresIn / 10);
        await WecomAccessToken.updateOne(
          { key },
          {
            $set: {
              accessToken: issued.accessToken,
              expiresAt: new Date(fetchedAt.getTime() + (issued.expiresIn - marginS) * 1000),
              refreshedAt: fetchedAt,
            },
            $unset: { refreshLeaseUntil: 1 },
          },
        );
        return issued.accessToken;
      } catch (err) {
        await WecomAccessToken.updateOne({ key }, { $unset: { refreshLeaseUntil: 1 } });
        throw err;
      }
    }
  }

  return {
    /** A valid token for `key`, fetching one with `fetchToken` only if no process has a valid one. */
    get(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
      let p = inFlight.get(key);
      if (!p) {
        p = obtain(key, fetchToken).finally(() => inFlight.delete(key));
        inFlight.set(key, p);
      }
      return p;
    },
    /**
     * Drops `staleToken` if it is still the cached one (compare-and-set): many callers that saw the
     * same 40014/42001 cause one refresh, and a token someone already renewed is left alone.
     */
    async invalidate(key: string, staleToken: string): Promise<void> {
      await WecomAccessToken.updateOne(
        { key, accessToken: staleToken },
        { $unset: { accessToken: 1, expiresAt: 1 } },
      );
    },
  };
}
export type TokenCache = ReturnType<typeof createTokenCache>;
