/** Error codes of imports (mapped to HTTP in api/middleware/errors.ts). */
export type ImportErrorCode = 'IMPORT_FILE_INVALID' | 'IMPORT_TOO_LARGE' | 'IMPORT_ALREADY_RUNNING';
