// Fixed option lists. Stored values are the Chinese labels users see; the lists are the only accepted values.

/** Occupations (a fixed list, not free text, so segmentation and risk rules can rely on them). */
export const OCCUPATIONS = [
  '企业主',
  '企业高管',
  '公务员',
  '事业单位',
  '教师',
  '医生',
  '护士',
  '律师',
  '会计',
  '工程师',
  'IT从业者',
  '金融从业者',
  '销售',
  '个体经营',
  '自由职业',
  '工人',
  '司机',
  '农民',
  '军人',
  '学生',
  '全职家庭',
  '退休',
  '其他',
] as const;

export const GENDERS = ['male', 'female', 'unknown'] as const;
export const FAMILY_RELATIONS = ['spouse', 'child', 'parent', 'other'] as const;
export const SOURCE_CHANNELS = [
  '官网',
  '公众号',
  '小程序',
  '广告',
  '转介绍',
  '活动',
  '企微扫码',
  '导入',
  '陌生拜访',
  '其他',
] as const;
export const PREFERRED_CHANNELS = ['wecom', 'phone', 'sms', 'visit', 'email'] as const;
export const RISK_PREFERENCES = ['保守', '平衡', '激进'] as const;
export const PHONE_LABELS = ['mobile', 'work', 'home', 'other'] as const;
