import { daysBetween, shanghaiDate } from '../customer/business-date.js';
import type {
  Book,
  Lifecycle,
  PropertyRisk,
  Rfm,
  Segmentation,
  Tier,
} from '../customer/customer.repository.js';

export interface SegmentationInput {
  now: Date;
  customerCreatedAt: Date;
  lastInteractionAt: Date | undefined;
  interactionCount: number;
  referralCount: number;
  /** From the fixed option list (customer.options.ts); undefined when not filled in. */
  occupation: string | undefined;
  /** Free text such as '广东省深圳市南山区'. */
  region: string | undefined;
  policies: {
    line: string;
    status: 'in_force' | 'lapsed' | 'surrendered' | 'expired' | 'renewed';
    sumInsured: number;
    premium: number;
    paymentFrequency: 'annual' | 'semiannual' | 'quarterly' | 'monthly' | 'single';
    effectiveDate: string;
    expiryDate: string;
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
  /** RFM: recency score 3 within a year of the last purchase/renewal, 2 within two, else 1. */
  rfmRecentDays: 365,
  rfmLapsingDays: 730,
  /** RFM: frequency counts policy events (distinct days) in this window. */
  rfmFrequencyWindowDays: 1095,
  rfmFrequentEvents: 4,
  rfmRepeatEvents: 2,
  /** Tier −1 when the last purchase/renewal is older than this and premium is below the select line. */
  rfmStaleDays: 1095,
  /** Property risk: sums insured of in-force 车险/财产险 policies. */
  propertyHighSumInsured: 5_000_000,
  propertyMediumSumInsured: 1_000_000,
  /** Property risk score at or above which the level is high (medium from 1). */
  propertyHighScore: 3,
} as const;

/** Lines whose risk is to property (home, business premises, vehicles). */
export const PROPERTY_LINES: readonly string[] = ['车险', '财产险'];

/**
 * Occupation risk class for property (3 = high): how exposed the person's property is through their
 * work — business premises and stock, vehicles on the road all day, farm buildings and crops.
 * Occupations not listed are class 1.
 */
export const OCCUPATION_PROPERTY_CLASS: Readonly<Record<string, { cls: 2 | 3; why: string }>> = {
  司机: { cls: 3, why: '长时间驾驶，车辆出险概率高' },
  个体经营: { cls: 3, why: '经营场所与存货集中，火灾、盗抢风险高' },
  企业主: { cls: 2, why: '持有经营性财产' },
  工人: { cls: 2, why: '作业环境与通勤车辆风险较高' },
  农民: { cls: 2, why: '农房、农机与作物受自然灾害影响大' },
  销售: { cls: 2, why: '频繁驾车外出' },
};

/**
 * Provinces where typhoons or floods cause most property losses; a region mentioning one of them adds
 * to the risk. Matched as a substring of the free-text region ('广东省深圳市' → 广东).
 */
export const CATASTROPHE_REGIONS: Readonly<Record<string, string>> = {
  海南: '台风',
  广东: '台风',
  福建: '台风',
  浙江: '台风',
  广西: '台风、洪涝',
  江西: '洪涝',
  湖南: '洪涝',
  安徽: '洪涝',
};

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
 * The customer's policy events: every policy is a purchase (or a new term) on its effective date; a policy
 * marked renewed adds a renewal on its expiry date (the day the next term starts), or today when the
 * renewal was recorded ahead of expiry. Distinct days, newest first; future dates are left out.
 */
export function policyEventDays(policies: SegmentationInput['policies'], now: Date): string[] {
  const today = shanghaiDate(now);
  const days = new Set<string>();
  for (const p of policies) {
    if (p.effectiveDate <= today) days.add(p.effectiveDate);
    if (p.status === 'renewed' || p.renewalOutcome === 'renewed')
      days.add(p.expiryDate <= today ? p.expiryDate : today);
  }
  return [...days].sort().reverse();
}

/**
 * RFM on policy events: recency of the last purchase/renewal, frequency of policy events in the last
 * three years, monetary = annualized premium in force. Each scored 1–3 (0 = none), with reasons.
 */
export function computeRfm(
  input: Pick<SegmentationInput, 'policies' | 'now'>,
  premium: number,
): { rfm: Rfm; reasons: string[] } {
  const R = SEGMENTATION_RULES;
  const today = shanghaiDate(input.now);
  const days = policyEventDays(input.policies, input.now);
  const last = days[0];
  const recencyDays = last === undefined ? undefined : daysBetween(last, today);
  const frequency = days.filter((d) => daysBetween(d, today) <= R.rfmFrequencyWindowDays).length;
  const r =
    recencyDays === undefined
      ? 0
      : recencyDays <= R.rfmRecentDays
        ? 3
        : recencyDays <= R.rfmLapsingDays
          ? 2
          : 1;
  const f = frequency >= R.rfmFrequentEvents ? 3 : frequency >= R.rfmRepeatEvents ? 2 : frequency > 0 ? 1 : 0;
  const m =
    premium >= R.selectBookAnnualPremium ? 3 : premium >= R.mediumTierAnnualPremium ? 2 : premium > 0 ? 1 : 0;
  const reasons = [
    recencyDays === undefined
      ? 'R0: 尚无投保或续保记录'
      : `R${r}: 最近一次投保/续保 ${last}（${recencyDays} 天前${
          r === 3
            ? `，≤ ${R.rfmRecentDays} 天`
            : r === 2
              ? `，≤ ${R.rfmLapsingDays} 天`
              : `，> ${R.rfmLapsingDays} 天`
        }）`,
    `F${f}: 近 3 年投保/续保 ${frequency} 次${
      f === 3 ? `（≥ ${R.rfmFrequentEvents}）` : f === 2 ? `（≥ ${R.rfmRepeatEvents}）` : ''
    }`,
    `M${m}: 年缴保费合计 ${yuan(premium)}${
      m === 3
        ? `（≥ ${yuan(R.selectBookAnnualPremium)}）`
        : m === 2
          ? `（≥ ${yuan(R.mediumTierAnnualPremium)}）`
          : ''
    }`,
  ];
  return {
    rfm: { recencyDays, frequency, monetary: premium, r, f, m, code: `R${r}F${f}M${m}` },
    reasons,
  };
}

/**
 * Property risk level (财产风险等级) from what the record holds: in-force 车险/财产险 and their sums
 * insured, the occupation's property risk class and the region's exposure to typhoons and floods.
 * Customers without property policies get an estimate from occupation and region (for cross-selling).
 */
export function computePropertyRisk(input: Pick<SegmentationInput, 'policies' | 'occupation' | 'region'>): {
  level: PropertyRisk;
  reasons: string[];
} {
  const R = SEGMENTATION_RULES;
  const reasons: string[] = [];
  let score = 0;
  const property = input.policies.filter((p) => p.status === 'in_force' && PROPERTY_LINES.includes(p.line));
  if (property.length === 0) {
    reasons.push('未持有有效的车险/财产险保单，按职业和地区预估');
  } else {
    const sum = property.reduce((s, p) => s + p.sumInsured, 0);
    const lines = [...new Set(property.map((p) => p.line))].join('、');
    if (sum >= R.propertyHighSumInsured) {
      score += 2;
      reasons.push(
        `${lines}有效保单 ${property.length} 张，保额合计 ${yuan(sum)} ≥ ${yuan(R.propertyHighSumInsured)}（+2）`,
      );
    } else if (sum >= R.propertyMediumSumInsured) {
      score += 1;
      reasons.push(
        `${lines}有效保单 ${property.length} 张，保额合计 ${yuan(sum)} ≥ ${yuan(R.propertyMediumSumInsured)}（+1）`,
      );
    } else {
      reasons.push(
        `${lines}有效保单 ${property.length} 张，保额合计 ${yuan(sum)} < ${yuan(R.propertyMediumSumInsured)}`,
      );
    }
  }
  if (!input.occupation) {
    reasons.push('未填写职业，职业风险未计入');
  } else {
    const o = OCCUPATION_PROPERTY_CLASS[input.occupation];
    if (o) {
      score += o.cls - 1;
      reasons.push(`职业「${input.occupation}」财产风险 ${o.cls} 类：${o.why}（+${o.cls - 1}）`);
    } else {
      reasons.push(`职业「${input.occupation}」财产风险 1 类`);
    }
  }
  const region = input.region?.trim();
  if (!region) {
    reasons.push('未填写地区，地区风险未计入');
  } else {
    const hit = Object.entries(CATASTROPHE_REGIONS).find(([province]) => region.includes(province));
    if (hit) {
      score += 1;
      reasons.push(`地区「${region}」属${hit[0]}，${hit[1]}高发（+1）`);
    } else {
      reasons.push(`地区「${region}」不在台风/洪涝高发省份`);
    }
  }
  const level: PropertyRisk = score >= R.propertyHighScore ? 'high' : score >= 1 ? 'medium' : 'low';
  return { level, reasons };
}

/**
 * Value tier, book, lifecycle, property risk level and RFM with the reasons for each, from policies,
 * claims, interactions, referrals, occupation and region. Pure: the service loads the inputs, stores the
 * result and recomputes on every change and nightly (time moves recency and dormancy).
 */
export function computeSegmentation(input: SegmentationInput): Segmentation {
  const R = SEGMENTATION_RULES;
  const premium = annualPremium(input.policies, input.now);
  const { rfm, reasons: rfmReasons } = computeRfm(input, premium);
  const propertyRisk = computePropertyRisk(input);
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
  // RFM: repeat buying raises the tier; a long silence lowers it unless the premium alone is select-level.
  if (rfm.f === 3) {
    score += 1;
    tierReasons.push(`RFM ${rfm.code}: 近 3 年投保/续保 ${rfm.frequency} 次 ≥ ${R.rfmFrequentEvents}（+1）`);
  }
  if (rfm.recencyDays !== undefined && rfm.recencyDays > R.rfmStaleDays && rfm.m < 3) {
    score -= 1;
    tierReasons.push(
      `RFM ${rfm.code}: 最近一次投保/续保 ${rfm.recencyDays} 天前 > ${R.rfmStaleDays} 天，且年缴保费未达 ${yuan(R.selectBookAnnualPremium)}（−1）`,
    );
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
    propertyRisk: propertyRisk.level,
    rfm,
    reasons: {
      tier: tierReasons,
      book: [bookReason],
      lifecycle: [lifecycleReason],
      propertyRisk: propertyRisk.reasons,
      rfm: rfmReasons,
    },
    annualPremium: premium,
    computedAt: input.now,
  };
}
