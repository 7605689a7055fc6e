import { AppError, type ErrorCode } from '../errors.js';

/** WeCom / WeChat integration failures. */
export type WecomErrorCode =
  | 'WECOM_CALLBACK_MALFORMED'
  | 'WECOM_CALLBACK_SIGNATURE_INVALID'
  | 'WECOM_CALLBACK_RECEIVER_MISMATCH'
  | 'WECOM_CALLBACK_STALE'
  | 'WECOM_NOT_CONFIGURED'
  | 'WECOM_API_ERROR'
  | 'WECOM_RATE_LIMITED'
  | 'WECOM_INVALID_RECIPIENTS'
  | 'WECOM_MESSAGE_INVALID'
  | 'WECHAT_CODE_INVALID'
  | 'WECHAT_NOT_SUBSCRIBED';

/**
 * The official callback library's return codes (path/90307). Kept on rejections so a log line names
 * the same failure the WeCom docs and admin console talk about.
 */
export const CALLBACK_LIBRARY_CODES = {
  signatureInvalid: -40001,
  parseFailed: -40002,
  illegalAesKey: -40004,
  receiveIdMismatch: -40005,
  decryptFailed: -40007,
  bufferIllegal: -40008,
  base64Invalid: -40010,
} as const;

/**
 * A Tencent server API answered with a non-zero errcode. Callers branch on `errcode` (never on
 * `errmsg`, whose wording changes); `code` groups the errcodes Qibao treats differently.
 */
export class WecomApiError extends AppError {
  readonly errcode: number;
  readonly errmsg: string;
  readonly api: string;
  /** For 45009/45033: how long Qibao stops calling this API. */
  readonly retryAfterMs: number | undefined;

  constructor(
    api: string,
    errcode: number,
    errmsg: string,
    opts: { code?: ErrorCode; userMessage?: string; details?: Record<string, unknown> } = {},
  ) {
    super(opts.code ?? 'WECOM_API_ERROR', `${api} failed: errcode ${errcode} (${errmsg})`, {
      userMessage: opts.userMessage ?? '企业微信接口调用失败，请稍后再试',
      details: { api, errcode, errmsg, ...opts.details },
    });
    this.name = 'WecomApiError';
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.api = api;
    const after = opts.details?.retryAfterMs;
    this.retryAfterMs = typeof after === 'number' ? after : undefined;
  }
}

/** A builder or value rule refused a field (too long, missing, wrong shape). */
export function messageInvalid(field: string, reason: string): AppError {
  return new AppError('WECOM_MESSAGE_INVALID', `${field}: ${reason}`, {
    userMessage: `消息字段不符合企业微信要求：${field}`,
    details: [{ path: field, message: reason }],
  });
}
