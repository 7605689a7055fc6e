import type { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { WecomApiError } from './wecom.errors.js';

/** Injectable time, so back-off windows and token lifetimes take milliseconds in tests. */
export interface TimeDeps {
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Tencent JSON answer: errcode 0 (or absent) means success. */
export type ApiResponse = Record<string, unknown> & { errcode?: number; errmsg?: string };

export interface ApiCall {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Safe to repeat after a network failure (reads). message/send is not: it could arrive twice. */
  idempotent?: boolean;
}

export interface ApiTransportDeps extends TimeDeps {
  name: 'wecom' | 'wechat';
  baseUrl: string;
  logger: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** errcodes meaning "this access_token is no good": refresh once and retry. */
  invalidTokenCodes: readonly number[];
  /** Back-off before retry n (1-based) after errcode -1 (system busy). */
  busyBackoffMs?: (retry: number) => number;
  /** Ban windows: how long to stop calling an API after 45009 / 45033. */
  rateLimitWindowMs?: { 45009: number; 45033: number };
  /** errcode → the AppError code surfaced (default WECOM_API_ERROR; 45009/45033 → WECOM_RATE_LIMITED). */
  codeFor?: (errcode: number) => ErrorCode | undefined;
}

export interface TokenSource {
  get(): Promise<string>;
  invalidate(staleToken: string): Promise<void>;
}

const MAX_BUSY_RETRIES = 3;

/**
 * The one place that talks HTTP to qyapi.weixin.qq.com / api.weixin.qq.com (or the simulator):
 * access_token in the query, errcode handling per path/90313, and per-API back-off after a ban.
 */
export function createApiTransport(deps: ApiTransportDeps) {
  const doFetch = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const busyBackoff = deps.busyBackoffMs ?? ((n: number) => 200 * 2 ** (n - 1));
  const windows = deps.rateLimitWindowMs ?? { 45009: 60_000, 45033: 5_000 };
  const log = deps.logger.child({ component: `${deps.name}-api` });
  // path → time until which calls are refused locally (WeCom extends a ban when hammered).
  const bannedUntil = new Map<string, number>();

  async function once(call: ApiCall, token: string | undefined): Promise<ApiResponse> {
    const url = new URL(call.path, deps.baseUrl);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    if (token !== undefined) url.searchParams.set('access_token', token);
    const res = await doFetch(url, {
      method: call.method,
      headers: call.body === undefined ? {} : { 'content-type': 'application/json' },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${call.path}`);
    const parsed = (await res.json()) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`non-object JSON from ${call.path}`);
    }
    return parsed as ApiResponse;
  }

  function apiError(call: ApiCall, errcode: number, errmsg: string, extra: Record<string, unknown> = {}) {
    const code: ErrorCode | undefined =
      errcode === 45009 || errcode === 45033 ? 'WECOM_RATE_LIMITED' : deps.codeFor?.(errcode);
    return new WecomApiError(call.path, errcode, errmsg, {
      ...(code ? { code } : {}),
      ...(code === 'WECOM_RATE_LIMITED' ? { userMessage: '企业微信接口调用过于频繁，请稍后再试' } : {}),
      details: extra,
    });
  }

  return {
    /**
     * Calls an API. `tokens` undefined → the call carries no access_token (gettoken, jscode2session).
     * 40014/42001 (and the product's other invalid-token codes) → one refresh and one retry;
     * -1 → up to 3 retries with back-off; 45009/45033 → the API is paused for its window and a
     * WECOM_RATE_LIMITED error is raised (also for calls made while paused); other errcodes → WecomApiError.
     */
    async call(call: ApiCall, tokens?: TokenSource): Promise<ApiResponse> {
      const paused = bannedUntil.get(call.path);
      if (paused !== undefined && paused > deps.clock().getTime()) {
        throw apiError(call, 45009, 'paused locally after a frequency ban', {
          retryAfterMs: paused - deps.clock().getTime(),
        });
      }
      let refreshed = false;
      let busyRetries = 0;
      for (;;) {
        const token = tokens ? await tokens.get() : undefined;
        let res: ApiResponse;
        try {
          res = await once(call, token);
        } catch (err) {
          if (call.idempotent && busyRetries < MAX_BUSY_RETRIES) {
            busyRetries++;
            log.warn(
              { api: call.path, retry: busyRetries, err: (err as Error).message },
              'network error, retrying',
            );
            await deps.sleep(busyBackoff(busyRetries));
            continue;
          }
          throw err;
        }
        const errcode = typeof res.errcode === 'number' ? res.errcode : 0;
        if (errcode === 0) return res;
        const errmsg = typeof res.errmsg === 'string' ? res.errmsg : '';
        if (tokens && token !== undefined && !refreshed && deps.invalidTokenCodes.includes(errcode)) {
          refreshed = true;
          log.info({ api: call.path, errcode }, 'access_token rejected, refreshing once');
          await tokens.invalidate(token);
          continue;
        }
        if (errcode === -1 && busyRetries < MAX_BUSY_RETRIES) {
          busyRetries++;
          log.warn({ api: call.path, retry: busyRetries }, 'system busy (-1), backing off');
          await deps.sleep(busyBackoff(busyRetries));
          continue;
        }
        if (errcode === 45009 || errcode === 45033) {
          const windowMs = windows[errcode];
          bannedUntil.set(call.path, deps.clock().getTime() + windowMs);
          log.warn({ api: call.path, errcode, windowMs }, 'frequency limit hit, pausing this API');
          throw apiError(call, errcode, errmsg, { retryAfterMs: windowMs });
        }
        log.info({ api: call.path, errcode }, 'API answered an error');
        throw apiError(call, errcode, errmsg);
      }
    },
  };
}
export type ApiTransport = ReturnType<typeof createApiTransport>;
