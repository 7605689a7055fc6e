/** Claim statuses, in the order of the happy path. */
export const CLAIM_STATUSES = [
  'reported',
  'accepted',
  'reviewing',
  'need_documents',
  'approved',
  'paid',
  'rejected',
  'closed',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const CLAIM_STATUS_LABELS: Record<ClaimStatus, string> = {
  reported: '已报案',
  accepted: '已受理',
  reviewing: '审核中',
  need_documents: '补充材料',
  approved: '已核准',
  paid: '已赔付',
  rejected: '已拒赔',
  closed: '已结案',
};

/**
 * The claim status machine (product.md §2): reported → accepted → reviewing → (need_documents ↔ reviewing)
 * → approved → paid → closed, or reviewing → rejected → closed. A rejection is a review outcome, so it
 * is only reachable from reviewing.
 */
export const CLAIM_TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  reported: ['accepted'],
  accepted: ['reviewing'],
  reviewing: ['need_documents', 'approved', 'rejected'],
  need_documents: ['reviewing'],
  approved: ['paid'],
  paid: ['closed'],
  rejected: ['closed'],
  closed: [],
};

export function allowedNext(from: ClaimStatus): readonly ClaimStatus[] {
  return CLAIM_TRANSITIONS[from];
}

export function isOpenClaim(status: ClaimStatus): boolean {
  return status !== 'closed';
}
