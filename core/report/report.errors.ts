/** Error codes of reports (mapped to HTTP in api/middleware/errors.ts). */
export type ReportErrorCode = 'REPORT_SCOPE_INVALID' | 'REPORT_PERIOD_INVALID';
