/** Claim failures. */
export type ClaimErrorCode = 'CLAIM_TRANSITION_INVALID' | 'CLAIM_NUMBER_TAKEN';
