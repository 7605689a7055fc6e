/** Compliance failures (lexicon administration, hit review). */
export type ComplianceErrorCode =
  'COMPLIANCE_RULE_PATTERN_TAKEN' | 'COMPLIANCE_RULE_PATTERN_INVALID' | 'COMPLIANCE_HIT_NOT_OPEN';
