import { exportTable, type ExportColumn, type ExportFormat } from '../import/export.js';
import type { PolicyRecord } from './policy.repository.js';

const STATUS = {
  in_force: '保障中',
  lapsed: '已失效',
  surrendered: '已退保',
  expired: '已满期',
  renewed: '已续保',
} as const;
const FREQUENCY = {
  annual: '年缴',
  semiannual: '半年缴',
  quarterly: '季缴',
  monthly: '月缴',
  single: '趸缴',
} as const;
const RENEWAL = {
  pending: '待续保',
  renewed: '已续保',
  not_renewed: '未续保',
  switched_insurer: '已转投他司',
} as const;

export interface PolicyExportRow {
  p: PolicyRecord;
  customerName: string | undefined;
  daysToExpiry: number;
}

/** The columns of a policy export (Chinese headers; dates are Asia/Shanghai business dates). */
export const POLICY_EXPORT_COLUMNS: ExportColumn<PolicyExportRow>[] = [
  { header: '保单号', value: (r) => r.p.number },
  { header: '保险公司', value: (r) => r.p.insurer },
  { header: '产品', value: (r) => r.p.product },
  { header: '险种', value: (r) => r.p.line },
  { header: '客户', value: (r) => r.customerName },
  { header: '投保人', value: (r) => r.p.applicantName },
  { header: '被保险人', value: (r) => r.p.insuredName },
  { header: '受益人', value: (r) => r.p.beneficiaries.map((b) => b.name).join('、') },
  { header: '保额', value: (r) => r.p.sumInsured },
  { header: '保费', value: (r) => r.p.premium },
  { header: '缴费方式', value: (r) => FREQUENCY[r.p.paymentFrequency] },
  { header: '缴费年期', value: (r) => r.p.paymentTermYears },
  { header: '生效日期', value: (r) => r.p.effectiveDate },
  { header: '到期日期', value: (r) => r.p.expiryDate },
  { header: '距到期天数', value: (r) => r.daysToExpiry },
  { header: '状态', value: (r) => STATUS[r.p.status] },
  { header: '续保结果', value: (r) => (r.p.renewalOutcome ? RENEWAL[r.p.renewalOutcome] : undefined) },
];

/** Pages of `list` turned into export rows (customer names joined per page), streamed as xlsx/csv. */
export function exportPolicies(
  deps: {
    list: (page: { skip: number; limit: number }) => Promise<{ items: PolicyRecord[] }>;
    customerNames: (ids: string[]) => Promise<Map<string, string>>;
    daysToExpiry: (p: PolicyRecord) => number;
  },
  opts: { format: ExportFormat; batchSize?: number },
) {
  const batchSize = opts.batchSize ?? 500;
  async function* batches(): AsyncGenerator<PolicyExportRow[]> {
    for (let skip = 0; ; skip += batchSize) {
      const { items } = await deps.list({ skip, limit: batchSize });
      const names = await deps.customerNames([...new Set(items.map((p) => p.customerId))]);
      if (items.length)
        yield items.map((p) => ({
          p,
          customerName: names.get(p.customerId),
          daysToExpiry: deps.daysToExpiry(p),
        }));
      if (items.length < batchSize) return;
    }
  }
  return exportTable(opts.format, POLICY_EXPORT_COLUMNS, batches());
}
