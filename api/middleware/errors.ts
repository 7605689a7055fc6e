import type { Middleware } from 'koa';
import { AppError, type ErrorCode } from '#core/errors';
import type { AppState } from '../context.js';

// The one code → HTTP status map. Exhaustive: a new ErrorCode that is not mapped fails to compile.
const httpStatusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CONFLICT: 409,
  SURVEY_ALREADY_ANSWERED: 409,
  SURVEY_EXPIRED: 410,
  USER_WECOM_ID_TAKEN: 409,
  USER_INACTIVE: 409,
  TEAM_NAME_TAKEN: 409,
  BRANCH_NAME_TAKEN: 409,
  USER_PLACEMENT_INVALID: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DB_UNAVAILABLE: 503,
  INTERNAL: 500,
  COMPLIANCE_RULE_PATTERN_TAKEN: 409,
  COMPLIANCE_RULE_PATTERN_INVALID: 422,
  COMPLIANCE_HIT_NOT_OPEN: 409,
  CUSTOMER_PHONE_TAKEN: 409,
  CUSTOMER_ID_NUMBER_TAKEN: 409,
  CUSTOMER_OWNER_INVALID: 422,
  CUSTOMER_REFERENCE_INVALID: 422,
  HANDOVER_INVALID: 422,
  POLICY_NUMBER_TAKEN: 409,
  CLAIM_TRANSITION_INVALID: 409,
  CLAIM_NUMBER_TAKEN: 409,
  TICKET_CLOSED: 409,
  WECOM_CALLBACK_MALFORMED: 400,
  WECOM_CALLBACK_SIGNATURE_INVALID: 403,
  WECOM_CALLBACK_RECEIVER_MISMATCH: 403,
  WECOM_CALLBACK_STALE: 403,
  WECOM_NOT_CONFIGURED: 503,
  WECOM_API_ERROR: 502,
  WECOM_RATE_LIMITED: 503,
  WECOM_INVALID_RECIPIENTS: 422,
  WECOM_MESSAGE_INVALID: 422,
  WECHAT_CODE_INVALID: 401,
  WECHAT_NOT_SUBSCRIBED: 409,
  LEAD_API_KEY_INVALID: 401,
  LEAD_CONTACT_REQUIRED: 422,
  LEAD_STAGE_INVALID: 409,
  LEAD_LOSS_REASON_REQUIRED: 422,
  LEAD_NOT_IN_POOL: 409,
  LEAD_POOL_CLAIM_LIMIT: 429,
  LEAD_ASSIGNEE_INVALID: 422,
  LEAD_MERGE_INVALID: 422,
  LEAD_MERGE_NOT_REVERSIBLE: 409,
  IMPORT_FILE_INVALID: 422,
  IMPORT_TOO_LARGE: 413,
  IMPORT_ALREADY_RUNNING: 409,
  REPORT_SCOPE_INVALID: 403,
  REPORT_PERIOD_INVALID: 400,
};

/** Errors thrown by Koa / body parsing (http-errors) carry a status; turn the known ones into AppErrors. */
function fromHttpError(err: { status?: unknown; type?: unknown; message?: unknown }): AppError | undefined {
  switch (err.status) {
    case 413:
      return new AppError('PAYLOAD_TOO_LARGE', 'request body too large', { userMessage: '提交的内容过大' });
    case 415:
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content type', {
        userMessage: '请以 JSON 格式提交（Content-Type: application/json）',
      });
    case 400:
      return new AppError('INVALID_JSON', `malformed request body: ${String(err.message)}`, {
        userMessage: '请求内容不是有效的 JSON',
      });
    default:
      return undefined;
  }
}

function isDatabaseDown(err: unknown): boolean {
  const name = (err as { name?: unknown }).name;
  return (
    name === 'MongoNotConnectedError' || name === 'MongoServerSelectionError' || name === 'MongoNetworkError'
  );
}

/**
 * First in the chain: every failure becomes `{ error: { code, message, details } }` with a Chinese
 * message. Unknown errors are a 500 with a generic message; the detail goes to the log only.
 */
export function errorHandler(): Middleware<AppState> {
  return async function errorHandlerMiddleware(ctx, next) {
    try {
      await next();
    } catch (raw) {
      let err: AppError;
      if (raw instanceof AppError) err = raw;
      else if (isDatabaseDown(raw)) {
        err = new AppError('DB_UNAVAILABLE', 'database unavailable', {
          userMessage: '服务暂时不可用，请稍后再试',
          cause: raw,
        });
      } else {
        err =
          (typeof raw === 'object' && raw !== null && fromHttpError(raw as Record<string, unknown>)) ||
          new AppError('INTERNAL', 'unexpected error', {
            userMessage: '服务器内部错误，请稍后再试',
            cause: raw,
          });
      }
      const status = httpStatusByCode[err.code];
      const log = ctx.state.log ?? undefined;
      if (status >= 500) log?.error({ err: raw }, 'request failed');
      else log?.info({ code: err.code, reason: err.message }, 'request refused');
      ctx.status = status;
      ctx.body = {
        error: {
          code: err.code,
          message: err.userMessage,
          ...(err.details === undefined ? {} : { details: err.details }),
        },
      };
    }
  };
}

/** Last in the chain: nothing matched → a 404 envelope, not Koa's plain "Not Found". */
export function notFoundHandler(): Middleware<AppState> {
  return function notFoundMiddleware(ctx) {
    throw new AppError('ROUTE_NOT_FOUND', `no route ${ctx.method} ${ctx.path}`, {
      userMessage: '请求的接口不存在',
    });
  };
}
