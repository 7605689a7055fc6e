/** Error codes of the lead domain (mapped to HTTP in api/middleware/errors.ts). */
export type LeadErrorCode =
  | 'LEAD_API_KEY_INVALID'
  | 'LEAD_CONTACT_REQUIRED'
  | 'LEAD_STAGE_INVALID'
  | 'LEAD_LOSS_REASON_REQUIRED'
  | 'LEAD_NOT_IN_POOL'
  | 'LEAD_POOL_CLAIM_LIMIT'
  | 'LEAD_ASSIGNEE_INVALID'
  | 'LEAD_MERGE_INVALID'
  | 'LEAD_MERGE_NOT_REVERSIBLE';
