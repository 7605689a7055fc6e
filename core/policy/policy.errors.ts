/** Policy failures. */
export type PolicyErrorCode = 'POLICY_NUMBER_TAKEN';
