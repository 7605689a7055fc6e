import type { Severity } from './matcher.js';

/** The categories Qibao ships with; admins may add rules under other category names too. */
export const DEFAULT_CATEGORIES = [
  '收益承诺',
  '夸大保障',
  '误导理赔',
  '贬低同业',
  '违规返佣',
  '混淆产品',
  '停售炒作',
] as const;

export interface DefaultRule {
  category: (typeof DEFAULT_CATEGORIES)[number];
  pattern: string;
  severity: Severity;
  alternative: string;
  negatable?: boolean;
}

// Alternatives reused by several rules: what an agent may say instead.
const ALT_RETURN =
  '本产品的保证利益以保险合同约定为准，非保证利益（如分红、结算利率）不确定，演示利益不代表实际收益。';
const ALT_RISK = '保险产品有其保障范围和责任免除，请结合自身需求，仔细阅读条款后选择。';
const ALT_CLAIM =
  '投保时请如实进行健康告知，未如实告知可能影响合同效力和理赔结果，理赔以合同条款和审核结果为准。';
const ALT_PEER = '各家产品各有特点，我可以把条款和责任列出来，帮您客观比较。';
const ALT_REBATE = '保费按保险公司公布的费率缴纳，我们不提供任何形式的返佣、返现或保费折扣。';
const ALT_DEPOSIT = '保险不是存款，提前退保可能损失本金，请按长期规划选择。';
const ALT_STOP = '产品的上架与停售以保险公司公告为准，请根据自身需求从容决定。';

/**
 * The lexicon a new installation starts with (version 1), drawn from the regulator's list of
 * misleading-sales practices for insurance: return promises, exaggerated cover, claim-related
 * misstatements, disparaging competitors, rebates, passing insurance off as a deposit, and hyping a
 * product's withdrawal. Admins edit it through the API; a shipped rule is a starting point, not law.
 */
export const DEFAULT_RULES: readonly DefaultRule[] = [
  // 收益承诺 — every promise of a return or of the principal.
  { category: '收益承诺', pattern: '保本保息', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '稳赚不赔', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '只赚不赔', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '稳赚', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '保证*收益', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '承诺*收益', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '收益有保证', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '保证*回报', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '保证分红', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '分红*肯定有', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '保底收益', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '刚性兑付', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '100%保本', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '保本', severity: 'warn', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '本金无忧', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '零风险', severity: 'block', alternative: ALT_RISK },
  { category: '收益承诺', pattern: '无风险', severity: 'block', alternative: ALT_RISK },
  { category: '收益承诺', pattern: '收益翻倍', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '躺赚', severity: 'block', alternative: ALT_RETURN },
  { category: '收益承诺', pattern: '年化*稳定在', severity: 'warn', alternative: ALT_RETURN },
  // 夸大保障: cover that the contract does not give.
  { category: '夸大保障', pattern: '什么都保', severity: 'block', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '什么都赔', severity: 'block', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '百病全保', severity: 'block', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '所有疾病*都赔', severity: 'block', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '无条件*赔付', severity: 'block', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '无条件*理赔', severity: 'block', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '100%赔付', severity: 'block', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '包赔', severity: 'block', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '全额报销', severity: 'warn', alternative: ALT_RISK },
  { category: '夸大保障', pattern: '最好的保险', severity: 'warn', alternative: ALT_PEER },
  // 误导理赔: misstatements about health disclosure and claims.
  { category: '误导理赔', pattern: '带病投保*不影响理赔', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '带病*也能赔', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '带病*照样赔', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '不用*健康告知', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '不告知*也能赔', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '健康告知*随便填', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '隐瞒*病史', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '两年后*必赔', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '保证*理赔', severity: 'warn', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '肯定能赔', severity: 'block', alternative: ALT_CLAIM },
  { category: '误导理赔', pattern: '一定能赔', severity: 'block', alternative: ALT_CLAIM },
  // 贬低同业: disparaging other insurers.
  { category: '贬低同业', pattern: '别家*都是骗', severity: 'block', alternative: ALT_PEER },
  { category: '贬低同业', pattern: '其他公司*都是骗', severity: 'block', alternative: ALT_PEER },
  { category: '贬低同业', pattern: '快倒闭', severity: 'warn', alternative: ALT_PEER },
  { category: '贬低同业', pattern: '要破产', severity: 'warn', alternative: ALT_PEER },
  { category: '贬低同业', pattern: '别家*理赔难', severity: 'warn', alternative: ALT_PEER },
  { category: '贬低同业', pattern: '别家*不赔', severity: 'warn', alternative: ALT_PEER },
  // 违规返佣: rebates and premium discounts.
  { category: '违规返佣', pattern: '返佣', severity: 'block', alternative: ALT_REBATE },
  { category: '违规返佣', pattern: '返还佣金', severity: 'block', alternative: ALT_REBATE },
  { category: '违规返佣', pattern: '退佣', severity: 'block', alternative: ALT_REBATE },
  { category: '违规返佣', pattern: '返点', severity: 'block', alternative: ALT_REBATE },
  { category: '违规返佣', pattern: '保费*返现', severity: 'block', alternative: ALT_REBATE },
  { category: '违规返佣', pattern: '保费*打*折', severity: 'block', alternative: ALT_REBATE },
  // 混淆产品: insurance presented as a deposit.
  { category: '混淆产品', pattern: '和存款一样', severity: 'block', alternative: ALT_DEPOSIT },
  { category: '混淆产品', pattern: '等同于存款', severity: 'block', alternative: ALT_DEPOSIT },
  { category: '混淆产品', pattern: '比存款*划算', severity: 'warn', alternative: ALT_DEPOSIT },
  { category: '混淆产品', pattern: '随时取*不损失', severity: 'block', alternative: ALT_DEPOSIT },
  // 停售炒作: pressure through (claimed) withdrawal of a product.
  { category: '停售炒作', pattern: '马上停售', severity: 'warn', alternative: ALT_STOP },
  { category: '停售炒作', pattern: '最后*天*停售', severity: 'warn', alternative: ALT_STOP },
  { category: '停售炒作', pattern: '停售前*赶紧', severity: 'warn', alternative: ALT_STOP },
];
