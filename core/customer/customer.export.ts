import type { Actor, AuditService } from '../audit/audit.service.js';
import { AppError } from '../errors.js';
import { exportTable, type ExportColumn, type ExportFormat } from '../import/export.js';
import type { PiiCipher } from '../security/pii.js';
import { maskPhone } from '../security/pii.js';
import type { UserRepository } from '../user/user.repository.js';
import type { CustomerListFilter, CustomerRecord } from './customer.repository.js';
import { maySeeIdNumber, seesFullPhones } from './customer.view.js';

const GENDER = { male: '男', female: '女', unknown: '未知' } as const;
const TIER = { high: '高', medium: '中', low: '低' } as const;
const BOOK = {
  general: '普通本',
  screened: '筛选本',
  deal: '成交本',
  select: '精选本',
  core: '核心',
} as const;
const LIFECYCLE = { active: '活跃', potential: '潜在', dormant: '沉睡', churned: '流失' } as const;
const RISK = { high: '高', medium: '中', low: '低' } as const;

/** One exported customer: the record plus what the export decided for this caller. */
export interface CustomerExportRow {
  c: CustomerRecord;
  phones: string;
  idNumber: string | undefined;
  ownerName: string | undefined;
}

const national = (e164: string) => (e164.startsWith('+86') ? e164.slice(3) : e164);

const dateTime = (d: Date | undefined) =>
  d ? new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : undefined;

/** The columns of a customer export (Chinese headers, Asia/Shanghai times). */
export const CUSTOMER_EXPORT_COLUMNS: ExportColumn<CustomerExportRow>[] = [
  { header: '姓名', value: (r) => r.c.name },
  { header: '性别', value: (r) => GENDER[r.c.gender] },
  { header: '生日', value: (r) => r.c.birthday },
  { header: '职业', value: (r) => r.c.occupation },
  { header: '手机号', value: (r) => r.phones },
  { header: '身份证号', value: (r) => r.idNumber },
  { header: '地区', value: (r) => r.c.region },
  { header: '地址', value: (r) => r.c.address },
  { header: '来源渠道', value: (r) => r.c.sourceChannel },
  { header: '标签', value: (r) => r.c.tags.join('、') },
  { header: '价值等级', value: (r) => (r.c.segmentation ? TIER[r.c.segmentation.tier] : undefined) },
  { header: '客户分册', value: (r) => (r.c.segmentation ? BOOK[r.c.segmentation.book] : undefined) },
  {
    header: '生命周期',
    value: (r) => (r.c.segmentation ? LIFECYCLE[r.c.segmentation.lifecycle] : undefined),
  },
  {
    header: '财产风险等级',
    value: (r) => (r.c.segmentation?.propertyRisk ? RISK[r.c.segmentation.propertyRisk] : undefined),
  },
  { header: 'RFM', value: (r) => r.c.segmentation?.rfm?.code },
  { header: '年缴保费', value: (r) => r.c.segmentation?.annualPremium },
  { header: '归属顾问', value: (r) => r.ownerName },
  { header: '最近沟通', value: (r) => dateTime(r.c.lastInteractionAt) },
  { header: '更新时间', value: (r) => dateTime(r.c.updatedAt) },
];

/**
 * A customer list as xlsx/csv, exactly the rows `GET /customers` pages through for this caller (same
 * filter, same scope), fetched page by page. Phones are masked outside the owner chain (as in the list);
 * ID numbers are masked unless `revealIdNumber` is asked by a role that may see them (the owner agent,
 * an admin), and then every unmasked one is recorded in the audit log as a PII read.
 */
export function exportCustomers(
  deps: {
    list: (
      filter: CustomerListFilter,
      page: { skip: number; limit: number },
    ) => Promise<{ items: CustomerRecord[] }>;
    pii: PiiCipher;
    audit: AuditService;
    users: UserRepository;
  },
  actor: Actor,
  filter: CustomerListFilter,
  opts: { format: ExportFormat; revealIdNumber: boolean; batchSize?: number },
) {
  const { principal } = actor;
  if (opts.revealIdNumber && principal.role !== 'admin' && principal.role !== 'agent') {
    throw new AppError('FORBIDDEN', 'role may not export unmasked id numbers', {
      userMessage: '只有归属顾问和管理员可以导出完整身份证号',
    });
  }
  const batchSize = opts.batchSize ?? 500;
  const owners = new Map<string, string | undefined>();
  async function ownerName(id: string) {
    if (!owners.has(id)) owners.set(id, (await deps.users.findUserById(id))?.name);
    return owners.get(id);
  }
  async function* batches(): AsyncGenerator<CustomerExportRow[]> {
    for (let skip = 0; ; skip += batchSize) {
      const { items } = await deps.list(filter, { skip, limit: batchSize });
      const rows: CustomerExportRow[] = [];
      const revealed: string[] = [];
      for (const c of items) {
        const full = seesFullPhones(principal, c);
        let idNumber = c.idNumberMasked;
        if (opts.revealIdNumber && c.idNumberEnc && maySeeIdNumber(principal, c)) {
          idNumber = deps.pii.decrypt(c.idNumberEnc);
          revealed.push(c.id);
        }
        rows.push({
          c,
          // National form, as agents dial it (and a leading + would be neutralised as a formula in CSV).
          phones: c.phones.map((p) => (full ? national(p.number) : maskPhone(p.number))).join('、'),
          idNumber,
          ownerName: await ownerName(c.ownership.ownerId),
        });
      }
      // Recorded before the rows leave the process.
      await deps.audit.recordMany(
        revealed.map((id) => deps.audit.entry(actor, 'pii.read', 'customer', id, [], 'idNumber export')),
      );
      if (rows.length) yield rows;
      if (items.length < batchSize) return;
    }
  }
  return exportTable(opts.format, CUSTOMER_EXPORT_COLUMNS, batches());
}
