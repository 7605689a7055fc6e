import type {
  Book,
  ClaimStatus,
  InteractionType,
  Lifecycle,
  PolicyStatus,
  RenewalOutcome,
  Tier,
} from './types';

// Chinese labels for the API's enum values (the API stores codes; users read these).
export const TIER_LABELS: Record<Tier, string> = { high: '高价值', medium: '中价值', low: '普通' };
export const BOOK_LABELS: Record<Book, string> = {
  general: '普通本',
  screened: '筛选本',
  deal: '成交本',
  select: '精选本',
  core: '核心',
};
export const LIFECYCLE_LABELS: Record<Lifecycle, string> = {
  active: '活跃',
  potential: '潜在',
  dormant: '沉睡',
  churned: '流失',
};
export const POLICY_STATUS_LABELS: Record<PolicyStatus, string> = {
  in_force: '保障中',
  lapsed: '已失效',
  surrendered: '已退保',
  expired: '已满期',
  renewed: '已续保',
};
export const RENEWAL_LABELS: Record<RenewalOutcome, string> = {
  pending: '待续保',
  renewed: '已续保',
  not_renewed: '未续保',
  switched_insurer: '已转投他司',
};
export const PAYMENT_FREQUENCY_LABELS: Record<string, string> = {
  annual: '年缴',
  semiannual: '半年缴',
  quarterly: '季缴',
  monthly: '月缴',
  single: '趸缴',
};
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
export const INTERACTION_TYPE_LABELS: Record<InteractionType, string> = {
  visit: '拜访',
  call: '电话',
  wechat: '微信',
  meeting: '会议',
  sms: '短信',
  email: '邮件',
};
export const RELATION_LABELS: Record<string, string> = {
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  other: '其他',
};
export const GENDER_LABELS: Record<string, string> = { male: '男', female: '女', unknown: '未知' };

/** Needs tags an agent can tick when logging an interaction (the bot extracts the same ones). */
export const NEED_TAGS = [
  '教育金',
  '养老',
  '重疾保障',
  '医疗保障',
  '意外保障',
  '财富传承',
  '理财增值',
  '车险',
  '家财险',
  '企业财产',
] as const;

export function label<K extends string>(map: Record<K, string>, key: K | null | undefined): string {
  return key ? (map[key] ?? key) : '—';
}
