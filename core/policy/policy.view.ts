import { daysBetween, shanghaiDate } from '../customer/business-date.js';
import type { PolicyRecord } from './policy.repository.js';

/** A policy as the API returns it: with days to expiry counted in Asia/Shanghai calendar days. */
export function policyView(p: PolicyRecord, now: Date) {
  const { ownership, ...rest } = p;
  return { ...rest, ownerId: ownership.ownerId, daysToExpiry: daysBetween(shanghaiDate(now), p.expiryDate) };
}
export type PolicyView = ReturnType<typeof policyView>;
