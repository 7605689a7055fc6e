// Fixed option lists of the lead domain (product.md §2, Lead). Stored values are stable English codes
// for stages; channels, intents and types are the Chinese labels users see and type.
import { SOURCE_CHANNELS } from '../customer/customer.options.js';

/** Source channels a lead can come from: the customer's list (导入 for Excel imports), so a won lead's
 * source carries over to the customer unchanged. */
export const LEAD_SOURCES = SOURCE_CHANNELS;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const LEAD_INTENTS = ['high', 'medium', 'low'] as const;
export type LeadIntent = (typeof LEAD_INTENTS)[number];
export const INTENT_LABELS: Record<LeadIntent, string> = { high: '高', medium: '中', low: '低' };

export const LEAD_TYPES = ['保障型', '理财型', '综合型'] as const;
export type LeadType = (typeof LEAD_TYPES)[number];

export const LEAD_GRADES = ['A', 'B', 'C'] as const;
export type LeadGrade = (typeof LEAD_GRADES)[number];

/** Pipeline stages in order; `won`/`lost` are terminal. */
export const LEAD_STAGES = [
  'new',
  'assigned',
  'contacted',
  'needs_analysis',
  'proposal',
  'won',
  'lost',
] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];
export const STAGE_LABELS: Record<LeadStage, string> = {
  new: '新线索',
  assigned: '已分配',
  contacted: '已联系',
  needs_analysis: '需求分析',
  proposal: '方案',
  won: '成交',
  lost: '流失',
};
export const OPEN_STAGES: readonly LeadStage[] = [
  'new',
  'assigned',
  'contacted',
  'needs_analysis',
  'proposal',
];
/** The stages an agent moves a lead through by hand (new/assigned are set by intake and assignment). */
export const WORK_STAGES: readonly LeadStage[] = ['contacted', 'needs_analysis', 'proposal', 'won', 'lost'];

export const LOSS_REASONS = [
  '价格太高',
  '已在别处投保',
  '暂无需求',
  '联系不上',
  '健康告知不通过',
  '家人反对',
  '其他',
] as const;

export const ACTIVITY_TYPES = ['call', 'visit', 'wechat', 'meeting', 'sms', 'email'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
