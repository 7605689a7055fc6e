/** The fields an import row can fill (customers, optionally with one policy per row). */
export const IMPORT_FIELDS = [
  'name',
  'gender',
  'birthday',
  'phone',
  'idNumber',
  'region',
  'address',
  'occupation',
  'policyNumber',
  'insurer',
  'product',
  'line',
  'premium',
  'sumInsured',
  'paymentFrequency',
  'effectiveDate',
  'expiryDate',
  'beneficiaries',
  'note',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Common Chinese (and English) spellings of each column header, as agencies' Excel sheets have them. */
const SYNONYMS: Record<ImportField, string[]> = {
  name: ['姓名', '客户姓名', '客户名称', '投保人', '投保人姓名', '名字', 'name'],
  gender: ['性别', 'gender', 'sex'],
  birthday: ['生日', '出生日期', '出生年月日', '出生年月', 'birthday', 'birthdate'],
  phone: ['手机号', '手机', '手机号码', '联系电话', '电话', '移动电话', 'phone', 'mobile'],
  idNumber: ['身份证号', '身份证', '身份证号码', '证件号码', '证件号', 'idnumber', 'id'],
  region: ['地区', '区域', '城市', '所在地区', 'region', 'city'],
  address: ['地址', '联系地址', '家庭住址', '住址', 'address'],
  occupation: ['职业', 'occupation'],
  policyNumber: ['保单号', '保单号码', '保单编号', 'policyno', 'policynumber'],
  insurer: ['保险公司', '承保公司', '保司', 'insurer'],
  product: ['产品', '产品名称', '险种名称', 'product'],
  line: ['险种', '险种类别', '险类', '保险类型', 'line'],
  premium: ['保费', '年缴保费', '年保费', '保费（元）', '保费(元)', 'premium'],
  sumInsured: ['保额', '基本保额', '保险金额', 'suminsured'],
  paymentFrequency: ['缴费方式', '缴费频率', '交费方式', 'paymentfrequency'],
  effectiveDate: ['生效日期', '生效日', '起保日期', '承保日期', 'effectivedate'],
  expiryDate: ['到期日期', '到期日', '满期日', '终止日期', '保险止期', 'expirydate'],
  beneficiaries: ['受益人', '身故受益人', 'beneficiaries', 'beneficiary'],
  note: ['备注', '说明', 'note', 'remark'],
};

const normalizeHeader = (h: string) => h.replace(/[\s*＊:：]/g, '').toLowerCase();
const LOOKUP = new Map<string, ImportField>(
  Object.entries(SYNONYMS).flatMap(([field, names]) =>
    names.map((n) => [normalizeHeader(n), field as ImportField]),
  ),
);

/**
 * Column index → field, from the header row; `override` (header text or field → header text) wins.
 * Unknown headers are reported, not guessed.
 */
export function mapHeaders(
  headers: string[],
  override: Partial<Record<ImportField, string>> = {},
): { columns: Map<number, ImportField>; unknown: string[]; missingOverride: string[] } {
  const columns = new Map<number, ImportField>();
  const overridden = new Map<string, ImportField>();
  for (const [field, header] of Object.entries(override)) {
    if (header) overridden.set(normalizeHeader(header), field as ImportField);
  }
  const unknown: string[] = [];
  const taken = new Set<ImportField>();
  headers.forEach((h, i) => {
    const key = normalizeHeader(h);
    if (!key) return;
    const field = overridden.get(key) ?? LOOKUP.get(key);
    // An overridden field is not also taken by a synonym column.
    if (field && (!taken.has(field) || overridden.get(key) === field)) {
      if (overridden.get(key) !== field && [...overridden.values()].includes(field)) return;
      columns.set(i, field);
      taken.add(field);
    } else unknown.push(h);
  });
  const present = new Set(headers.map(normalizeHeader));
  const missingOverride = [...overridden.keys()].filter((k) => !present.has(k));
  return { columns, unknown, missingOverride };
}
