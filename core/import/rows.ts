import { OCCUPATIONS } from '../customer/customer.options.js';
import { isValidIdNumber, normalizeIdNumber } from '../customer/id-number.js';
import { normalizeCnMobile } from '../customer/phone.js';
import { POLICY_LINES, type PAYMENT_FREQUENCIES } from '../policy/policy.model.js';
import { parseSheetDate } from './dates.js';
import type { ImportField } from './mapping.js';
import { FORMULA_WITHOUT_RESULT } from './reader.js';

export const FIELD_LABELS: Record<ImportField, string> = {
  name: '姓名',
  gender: '性别',
  birthday: '生日',
  phone: '手机号',
  idNumber: '身份证号',
  region: '地区',
  address: '地址',
  occupation: '职业',
  policyNumber: '保单号',
  insurer: '保险公司',
  product: '产品',
  line: '险种',
  premium: '保费',
  sumInsured: '保额',
  paymentFrequency: '缴费方式',
  effectiveDate: '生效日期',
  expiryDate: '到期日期',
  beneficiaries: '受益人',
  note: '备注',
};

export interface RowCustomer {
  name: string;
  gender: 'male' | 'female' | 'unknown';
  birthday: string | undefined;
  phone: string | undefined;
  idNumber: string | undefined;
  region: string | undefined;
  address: string | undefined;
  occupation: (typeof OCCUPATIONS)[number] | undefined;
  note: string | undefined;
}
export interface RowPolicy {
  number: string;
  insurer: string;
  product: string;
  line: (typeof POLICY_LINES)[number];
  premium: number;
  sumInsured: number;
  paymentFrequency: (typeof PAYMENT_FREQUENCIES)[number];
  effectiveDate: string;
  expiryDate: string;
  beneficiaries: { name: string }[];
}
export type ParsedRow =
  { ok: true; customer: RowCustomer; policy: RowPolicy | undefined } | { ok: false; reasons: string[] };

const LINE_WORDS: [RegExp, (typeof POLICY_LINES)[number]][] = [
  [/重疾|重大疾病/, '重疾'],
  [/医疗/, '医疗'],
  [/意外/, '意外'],
  [/增额/, '增额寿'],
  [/年金|养老/, '年金'],
  [/寿/, '寿险'],
  [/车/, '车险'],
  [/财产|家财|企财/, '财产险'],
];
const FREQ: [RegExp, (typeof PAYMENT_FREQUENCIES)[number]][] = [
  [/趸/, 'single'],
  [/半年/, 'semiannual'],
  [/季/, 'quarterly'],
  [/月/, 'monthly'],
  [/年/, 'annual'],
];

const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null || v === FORMULA_WITHOUT_RESULT) return undefined;
  if (v instanceof Date) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
};

function money(v: unknown): number | undefined | 'bad' {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : 'bad';
  const s = String(v).replace(/[¥￥,，\s元]/g, '');
  if (s === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(s)) return 'bad';
  return Number(s);
}

/** One sheet row → a customer (and a policy when the row has policy columns filled), or its problems. */
export function parseRow(cells: unknown[], columns: Map<number, ImportField>): ParsedRow {
  const v: Partial<Record<ImportField, unknown>> = {};
  const reasons: string[] = [];
  for (const [i, f] of columns) {
    const c = cells[i];
    if (c === FORMULA_WITHOUT_RESULT)
      reasons.push(`${FIELD_LABELS[f]}：单元格是没有计算结果的公式，请粘贴为数值`);
    else if (c !== undefined && c !== null && c !== '') v[f] = c;
  }
  const name = text(v.name);
  if (!name) reasons.push('姓名：不能为空');
  else if (name.length > 40) reasons.push('姓名：不能超过 40 个字');

  let phone: string | undefined;
  const rawPhone = v.phone === undefined ? undefined : String(v.phone);
  if (rawPhone) {
    phone = normalizeCnMobile(rawPhone);
    if (!phone) reasons.push('手机号：不是有效的中国大陆手机号');
  }
  let idNumber: string | undefined;
  const rawId = text(v.idNumber);
  if (rawId) {
    if (isValidIdNumber(rawId)) idNumber = normalizeIdNumber(rawId);
    else reasons.push('身份证号：格式或校验位不正确');
  }
  if (!rawPhone && !rawId) reasons.push('手机号/身份证号：至少需要一项（用于查重）');

  const g = text(v.gender);
  const gender = !g
    ? 'unknown'
    : /^(男|male|m)$/i.test(g)
      ? 'male'
      : /^(女|female|f)$/i.test(g)
        ? 'female'
        : undefined;
  if (!gender) reasons.push('性别：应为 男 或 女');
  let birthday: string | undefined;
  if (v.birthday !== undefined) {
    birthday = parseSheetDate(v.birthday);
    if (!birthday) reasons.push('生日：无法识别的日期');
  }
  const occ = text(v.occupation);
  const occupation =
    occ && (OCCUPATIONS as readonly string[]).includes(occ) ? (occ as RowCustomer['occupation']) : undefined;

  // A policy is expected as soon as one policy column has a value.
  const policyFields: ImportField[] = [
    'policyNumber',
    'insurer',
    'product',
    'line',
    'premium',
    'effectiveDate',
    'expiryDate',
  ];
  let policy: RowPolicy | undefined;
  if (policyFields.some((f) => v[f] !== undefined)) {
    const number = text(v.policyNumber);
    if (!number) reasons.push('保单号：有保单信息时不能为空');
    else if (!/^[A-Za-z0-9-]{3,40}$/.test(number)) reasons.push('保单号：只能包含字母、数字和 -（3–40 位）');
    const insurer = text(v.insurer);
    if (!insurer) reasons.push('保险公司：有保单信息时不能为空');
    const lineText = text(v.line);
    const productText = text(v.product);
    const line =
      lineText && (POLICY_LINES as readonly string[]).includes(lineText)
        ? (lineText as RowPolicy['line'])
        : (LINE_WORDS.find(([re]) => re.test(`${lineText ?? ''}${productText ?? ''}`))?.[1] ?? '其他');
    const premium = money(v.premium);
    if (premium === undefined) reasons.push('保费：有保单信息时不能为空');
    else if (premium === 'bad') reasons.push('保费：应为非负数字');
    const sumInsured = money(v.sumInsured);
    if (sumInsured === 'bad') reasons.push('保额：应为非负数字');
    const eff = v.effectiveDate === undefined ? undefined : parseSheetDate(v.effectiveDate);
    if (!eff) reasons.push(v.effectiveDate === undefined ? '生效日期：不能为空' : '生效日期：无法识别的日期');
    const exp = v.expiryDate === undefined ? undefined : parseSheetDate(v.expiryDate);
    if (!exp) reasons.push(v.expiryDate === undefined ? '到期日期：不能为空' : '到期日期：无法识别的日期');
    if (eff && exp && exp <= eff) reasons.push('到期日期：必须晚于生效日期');
    const freqText = text(v.paymentFrequency);
    const paymentFrequency = freqText ? (FREQ.find(([re]) => re.test(freqText))?.[1] ?? 'annual') : 'annual';
    const beneficiaries = (text(v.beneficiaries) ?? '')
      .split(/[,，;；、/]/)
      .map((s) => s.replace(/[（(].*?[)）]|\d+%/g, '').trim())
      .filter(Boolean)
      .slice(0, 10)
      .map((n) => ({ name: n.slice(0, 40) }));
    if (number && insurer && typeof premium === 'number' && eff && exp) {
      policy = {
        number,
        insurer: insurer.slice(0, 40),
        product: (productText ?? lineText ?? line).slice(0, 60),
        line,
        premium,
        sumInsured: typeof sumInsured === 'number' ? sumInsured : 0,
        paymentFrequency,
        effectiveDate: eff,
        expiryDate: exp,
        beneficiaries,
      };
    }
  }
  if (reasons.length || !name || !gender) return { ok: false, reasons };
  return {
    ok: true,
    customer: {
      name,
      gender,
      birthday,
      phone,
      idNumber,
      region: text(v.region)?.slice(0, 60),
      address: text(v.address)?.slice(0, 200),
      occupation,
      note: text(v.note)?.slice(0, 2000),
    },
    policy,
  };
}
