import type { AuthErrorCode } from './auth/auth.errors.js';
import type { ComplianceErrorCode } from './compliance/compliance.errors.js';
import type { ClaimErrorCode } from './claim/claim.errors.js';
import type { CustomerErrorCode } from './customer/customer.errors.js';
import type { ImportErrorCode } from './import/import.errors.js';
import type { LeadErrorCode } from './lead/lead.errors.js';
import type { NotificationErrorCode } from './notification/notification.errors.js';
import type { PolicyErrorCode } from './policy/policy.errors.js';
import type { ReportErrorCode } from './report/report.errors.js';
import type { TicketErrorCode } from './ticket/ticket.errors.js';
import type { UserErrorCode } from './user/user.errors.js';
import type { WecomErrorCode } from './wecom/wecom.errors.js';

/** Errors any domain may raise. */
export type CommonErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'DB_UNAVAILABLE'
  | 'INTERNAL';

/**
 * Every error code in Qibao. Adding a domain's codes here makes the API's exhaustive
 * code → HTTP status map (api/middleware/errors.ts) fail to compile until they are mapped.
 */
export type ErrorCode =
  | CommonErrorCode
  | AuthErrorCode
  | ComplianceErrorCode
  | UserErrorCode
  | WecomErrorCode
  | CustomerErrorCode
  | PolicyErrorCode
  | ClaimErrorCode
  | TicketErrorCode
  | NotificationErrorCode
  | LeadErrorCode
  | ImportErrorCode
  | ReportErrorCode;

/** A field-level problem, for the `details` of VALIDATION_FAILED. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The one error type the core raises on purpose. `message` is technical English for logs;
 * `userMessage` is the Simplified Chinese text shown to users.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { userMessage: string; details?: unknown; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.userMessage = opts.userMessage;
    this.details = opts.details;
  }
}

/** `NOT_FOUND` for a record the caller cannot see; used for out-of-scope reads too (never reveal existence). */
export function notFound(entity: string, userMessage = '记录不存在或无权访问'): AppError {
  return new AppError('NOT_FOUND', `${entity} not found`, { userMessage });
}
