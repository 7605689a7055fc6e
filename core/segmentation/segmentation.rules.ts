import type { Book, Lifecycle, Segmentation, Tier } from '../customer/customer.repository.js';

export interface SegmentationInput {
  now: Date;
  customerCreatedAt: Date;
  lastInteractionAt: Date | undefined;
  interactionCount: number;
  referralCount: number;
  policies: {
    status: 'in_force' | 'lapsed' | 'surrendered' | 'expired' | 'renewed';
    premium: number;
    paymentFrequency: 'annual' | 'semiannual' | 'quarterly' | 'monthly' | 'single';
    effectiveDate: string;
    renewalOutcome: string | undefined;
  }[];
  claims: { createdAt: Date }[];
}

/** Thresholds of the rules; the reasons quote them so a tier can be explained to an agent. */
export const SEGMENTATION_RULES = {
  selectBookAnnualPremium: 50_000,
  mediumTierAnnualPremium: 10_000,
  coreBookReferrals: 3,
  frequentClaimsPerYear: 3,
  dormantAfterDays: 365,
} as const;

const PER_YEAR = { annual: 1, semiannual: 2, quarterly: 4, monthly: 12 } as const;
const DAY = 86_400_000;
const yuan = (n: number) => `¥${Math.round(n).toLocaleString('en-US')}`;

/** Annualized premium of the in-force policies; a single premium counts in its first year only. */
export function annualPremium(policies: SegmentationInput['policies'], now: Date): number {
  let sum = 0;
  for (const p of policies) {
    if (p.status !== 'in_force') continue;
    if (p.paymentFrequency === 'single') {
      const effective = new Date(`${p.effectiveDate}T00:00:00+08:00`).getTime();
      if (now.getTime() - effective < 365 * DAY) sum += p.premium;
    } else sum += p.premium * PER_YEAR[p.paymentFrequency];
  }
  return sum;
}

/**
 * Value tier, book and lifecycle with the reasons for each, from policies, claims, interactions and
 * referrals. Pure: the service loads the inputs, stores the result and recomputes on every change.
 */
export function computeSegmentation(input: SegmentationInput): Segmentation {
  const R = SEGMENTATION_RULES;
  const premium = annualPremium(input.policies, input.now);
  const inForce = input.policies.filter((p) => p.status === 'in_force').length;
  const renewed = input.policies.filter(
    (p) => p.status === 'renewed' || p.renewalOutcome === 'renewed',
  ).length;
  const lost = input.policies.filter((p) => p.status === 'lapsed' || p.status === 'surrendered').length;
  const recentClaims = input.claims.filter(
    (c) => input.now.getTime() - c.createdAt.getTime() < 365 * DAY,
  ).length;

  // Tier: premium sets the base, renewal behaviour and claim frequency move it.
  const tierReasons: string[] = [];
  let score: number;
  if (premium >= R.selectBookAnnualPremium) {
    score = 3;
    tierReasons.push(`年缴保费合计 ${yuan(premium)} ≥ ${yuan(R.selectBookAnnualPremium)}`);
  } else if (premium >= R.mediumTierAnnualPremium) {
    score = 2;
    tierReasons.push(`年缴保费合计 ${yuan(premium)} ≥ ${yuan(R.mediumTierAnnualPremium)}`);
  } else {
    score = premium > 0 ? 1 : 0;
    tierReasons.push(`年缴保费合计 ${yuan(premium)} < ${yuan(R.mediumTierAnnualPremium)}`);
  }
  if (renewed > 0) {
    score += 1;
    tierReasons.push(`${renewed} 张保单已续保（+1）`);
  }
  if (lost > 0) {
    score -= 1;
    tierReasons.push(`${lost} 张保单失效或退保（−1）`);
  }
  if (recentClaims >= R.frequentClaimsPerYear) {
    score -= 1;
    tierReasons.push(`近一年理赔 ${recentClaims} 次 ≥ ${R.frequentClaimsPerYear}（−1）`);
  }
  const tier: Tier = score >= 3 ? 'high' : score >= 2 ? 'medium' : 'low';

  let book: Book;
  let bookReason: string;
  if (input.referralCount >= R.coreBookReferrals) {
    book = 'core';
    bookReason = `核心: 已转介绍 ${input.referralCount} 位客户 ≥ ${R.coreBookReferrals}`;
  } else if (premium >= R.selectBookAnnualPremium) {
    book = 'select';
    bookReason = `精选本: 年缴保费合计 ${yuan(premium)} ≥ ${yuan(R.selectBookAnnualPremium)}`;
  } else if (inForce > 0) {
    book = 'deal';
    bookReason = `成交本: 持有 ${inForce} 张有效保单`;
  } else if (input.interactionCount > 0) {
    book = 'screened';
    bookReason = `筛选本: 已有 ${input.interactionCount} 次沟通记录，尚未成交`;
  } else {
    book = 'general';
    bookReason = '普通本: 尚无沟通记录和有效保单';
  }

  const lastContact = input.lastInteractionAt ?? input.customerCreatedAt;
  const idleDays = Math.max(0, Math.floor((input.now.getTime() - lastContact.getTime()) / DAY));
  const contactText = input.lastInteractionAt ? `最近沟通 ${idleDays} 天前` : `建档 ${idleDays} 天，尚无沟通`;
  let lifecycle: Lifecycle;
  let lifecycleReason: string;
  if (input.policies.length > 0 && inForce === 0) {
    lifecycle = 'churned';
    lifecycleReason = `流失: ${input.policies.length} 张保单均已失效、退保或满期`;
  } else if (idleDays > R.dormantAfterDays) {
    lifecycle = 'dormant';
    lifecycleReason = `沉睡: ${contactText}（超过 ${R.dormantAfterDays} 天）`;
  } else if (inForce > 0) {
    lifecycle = 'active';
    lifecycleReason = `活跃: 持有有效保单，${contactText}`;
  } else {
    lifecycle = 'potential';
    lifecycleReason = `潜在: 尚未成交，${contactText}`;
  }

  return {
    tier,
    book,
    lifecycle,
    reasons: { tier: tierReasons, book: [bookReason], lifecycle: [lifecycleReason] },
    annualPremium: premium,
    computedAt: input.now,
  };
}
