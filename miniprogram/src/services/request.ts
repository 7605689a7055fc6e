import Taro from '@tarojs/taro';
import type { Endpoint, PathParams } from './endpoints';
import { clearSession, getSession } from './session';
import { routes } from './routes';

/** An API failure as the user should see it: `message` is always Chinese and fit for a toast. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// Shown when the server gave no usable Chinese message (network down, proxy HTML page, 5xx without envelope).
const FALLBACK_BY_STATUS: Record<number, string> = {
  0: '网络异常，请检查网络后重试',
  401: '登录已过期，请重新登录',
  403: '没有权限执行此操作',
  404: '内容不存在或无权查看',
  413: '内容过大，请精简后再提交',
  429: '操作太频繁，请稍后再试',
};
const GENERIC = '服务暂时不可用，请稍后重试';

const API_BASE = (process.env.TARO_APP_API_BASE ?? '').replace(/\/+$/, '');

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions<Body, P extends string> {
  params?: Record<P, string>;
  query?: Query;
  body?: Body;
  /** false: the caller shows the error itself (page-level error view); default true → toast. */
  toast?: boolean;
}

/** The only way the mini-program talks to the API: attaches the session, decodes the error envelope. */
export async function api<Res, Body, Path extends string>(
  endpoint: Endpoint<Res, Body, Path>,
  opts: RequestOptions<Body, PathParams<Path>> = {},
): Promise<Res> {
  const url = API_BASE + buildPath(endpoint.path, opts.params) + buildQuery(opts.query);
  const header: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.auth) {
    const session = getSession();
    if (!session) {
      const err = new ApiError(401, 'UNAUTHENTICATED', '请先登录');
      redirectToLogin();
      throw err;
    }
    header.authorization = `Bearer ${session.token}`;
  }

  let res: Taro.request.SuccessCallbackResult<string | TaroGeneral.IAnyObject | ArrayBuffer>;
  try {
    res = await Taro.request({
      url,
      method: endpoint.method,
      header,
      data: opts.body as Taro.request.Option['data'],
      dataType: 'json',
      timeout: 15_000,
    });
  } catch (cause) {
    // Taro rejects on network failure and timeouts; nothing came back from the server.
    const err = new ApiError(0, 'NETWORK', FALLBACK_BY_STATUS[0] ?? GENERIC, String(cause));
    if (opts.toast !== false) toast(err.message);
    throw err;
  }

  if (res.statusCode >= 200 && res.statusCode < 300) return res.data as Res;

  const err = toApiError(res.statusCode, res.data);
  if (res.statusCode === 401 && endpoint.auth) {
    clearSession();
    redirectToLogin();
  }
  if (opts.toast !== false) toast(err.message);
  throw err;
}

/** Reads `{ error: { code, message, details } }`; anything else becomes a generic Chinese message. */
export function toApiError(status: number, body: unknown): ApiError {
  const envelope = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)
    ?.error;
  const code = typeof envelope?.code === 'string' ? envelope.code : `HTTP_${status}`;
  const message =
    typeof envelope?.message === 'string' && envelope.message.trim() !== ''
      ? envelope.message
      : (FALLBACK_BY_STATUS[status] ?? GENERIC);
  return new ApiError(status, code, message, envelope?.details);
}

/** Field-level messages from a 400 `details` (zod issues), e.g. for showing under a form. */
export function fieldMessages(err: unknown): string[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return [];
  return err.details
    .map((d: unknown) => (d as { message?: unknown } | null)?.message)
    .filter((m): m is string => typeof m === 'string');
}

export function messageOf(err: unknown): string {
  return err instanceof ApiError ? err.message : GENERIC;
}

function buildPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(v);
  });
}

function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function toast(message: string) {
  // WeChat cuts toast titles after ~7 characters with an icon; icon 'none' allows two lines.
  void Taro.showToast({ title: message, icon: 'none', duration: 2500 });
}

let redirecting = false;
function redirectToLogin() {
  if (redirecting) return;
  redirecting = true;
  void Taro.reLaunch({ url: routes.login }).finally(() => {
    redirecting = false;
  });
}
