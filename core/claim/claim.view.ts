import type { ClaimRecord } from './claim.repository.js';
import { allowedNext, CLAIM_STATUS_LABELS } from './claim.status.js';

/** A claim as the API returns it: Chinese status labels and the states it may move to next. */
export function claimView(c: ClaimRecord) {
  const { ownership, ...rest } = c;
  return {
    ...rest,
    ownerId: ownership.ownerId,
    statusLabel: CLAIM_STATUS_LABELS[c.status],
    allowedNext: [...allowedNext(c.status)],
    timeline: c.timeline.map((t) => ({ ...t, toLabel: CLAIM_STATUS_LABELS[t.to] })),
  };
}
export type ClaimView = ReturnType<typeof claimView>;
