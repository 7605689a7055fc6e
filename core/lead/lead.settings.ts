import type { LeadGrade, LeadIntent, LeadStage, LeadType } from './lead.options.js';

/** Tunables of the lead domain (config/config.ts maps QIBAO_LEAD_* onto this). */
export interface LeadSettings {
  /** Days until the first contact is due, per grade; C (nurture) has none. */
  firstContactDays: { A: number; B: number };
  /** Grade from score = intent points + type points: ≥ a → A, ≥ b → B, else C. */
  gradeThresholds: { A: number; B: number };
  intentPoints: Record<LeadIntent, number>;
  typePoints: Record<LeadType, number>;
  /** Days a lead may stay in a working stage before it is overdue. */
  stageLimitDays: Partial<Record<LeadStage, number>>;
  /** Leads an agent may claim from the public pool per Asia/Shanghai day. */
  poolClaimsPerDay: number;
  /** Open leads an agent holds at most unless an admin set their own capacity. */
  defaultCapacity: number;
}

export const DEFAULT_LEAD_SETTINGS: LeadSettings = {
  firstContactDays: { A: 3, B: 7 },
  gradeThresholds: { A: 4, B: 3 },
  intentPoints: { high: 3, medium: 2, low: 1 },
  typePoints: { 保障型: 1, 综合型: 1, 理财型: 0 },
  stageLimitDays: { contacted: 7, needs_analysis: 3, proposal: 14 },
  poolClaimsPerDay: 5,
  defaultCapacity: 50,
};

/**
 * Intent × type → grade. With the defaults: high intent with a protection or mixed need is A, high
 * intent for savings or medium intent with a protection need is B, the rest is nurtured (C).
 */
export function gradeLead(
  s: LeadSettings,
  intent: LeadIntent,
  type: LeadType,
): { grade: LeadGrade; reason: string } {
  const score = s.intentPoints[intent] + s.typePoints[type];
  const grade: LeadGrade = score >= s.gradeThresholds.A ? 'A' : score >= s.gradeThresholds.B ? 'B' : 'C';
  return {
    grade,
    reason: `意向${intent === 'high' ? '高' : intent === 'medium' ? '中' : '低'}×${type}，得分 ${score}`,
  };
}

/** When the first contact is due for a lead of this grade assigned at `at` (undefined for C). */
export function firstContactDue(s: LeadSettings, grade: LeadGrade, at: Date): Date | undefined {
  if (grade === 'C') return undefined;
  return new Date(at.getTime() + s.firstContactDays[grade] * 86_400_000);
}

/** When a lead entering `stage` at `at` becomes overdue (undefined: no limit for that stage). */
export function stageDue(s: LeadSettings, stage: LeadStage, at: Date): Date | undefined {
  const days = s.stageLimitDays[stage];
  return days === undefined ? undefined : new Date(at.getTime() + days * 86_400_000);
}
