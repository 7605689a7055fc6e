import type { TimelineItem } from '@/components/timeline';
import { dateTime } from './format';
import { CLAIM_STATUS_LABELS } from './labels';
import type { Claim, ClaimStatus } from './types';

// What is still ahead from each status on the way a claim normally goes (product.md §2 status machine):
// reported → accepted → reviewing → (need_documents ↔ reviewing) → approved → paid → closed,
// or reviewing → rejected → closed.
const AHEAD: Record<ClaimStatus, ClaimStatus[]> = {
  reported: ['accepted', 'reviewing', 'approved', 'paid', 'closed'],
  accepted: ['reviewing', 'approved', 'paid', 'closed'],
  reviewing: ['approved', 'paid', 'closed'],
  need_documents: ['reviewing', 'approved', 'paid', 'closed'],
  approved: ['paid', 'closed'],
  paid: ['closed'],
  rejected: ['closed'],
  closed: [],
};

const HINTS: Partial<Record<ClaimStatus, string>> = {
  reported: '保险公司将在 1–3 个工作日内受理',
  need_documents: '请按顾问或保险公司的要求补充材料',
  reviewing: '保险公司正在审核材料',
  approved: '赔款即将支付到您的账户',
};

/**
 * The claim progress timeline: every recorded transition (with date and note) and then the steps still
 * ahead, greyed. The latest step is "current" unless the claim is closed.
 */
export function claimSteps(claim: Pick<Claim, 'status' | 'timeline'>): TimelineItem[] {
  const recorded = [...claim.timeline].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const items: TimelineItem[] = recorded.map((t, i) => {
    const last = i === recorded.length - 1;
    const state: TimelineItem['state'] =
      t.to === 'rejected' ? 'failed' : last && claim.status !== 'closed' ? 'current' : 'done';
    const note = t.note?.trim();
    return {
      key: `done-${i}-${t.to}`,
      title: CLAIM_STATUS_LABELS[t.to],
      time: dateTime(t.at),
      description: note || (last ? HINTS[t.to] : undefined),
      state,
    };
  });
  for (const status of AHEAD[claim.status]) {
    items.push({ key: `todo-${status}`, title: CLAIM_STATUS_LABELS[status], state: 'todo' });
  }
  return items;
}
