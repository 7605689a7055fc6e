import { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import {
  oid,
  ownershipToDoc,
  scopeFilter,
  toOwnership,
  type Ownership,
  type OwnershipDoc,
  reassignByCustomers,
} from '../customer/ownership.js';
import type {
  PAYMENT_FREQUENCIES,
  POLICY_LINES,
  POLICY_STATUSES,
  PolicyModels,
  RENEWAL_OUTCOMES,
} from './policy.model.js';

export interface PolicyRecord {
  id: string;
  number: string;
  insurer: string;
  product: string;
  line: (typeof POLICY_LINES)[number];
  customerId: string;
  applicantName: string;
  insuredName: string;
  insuredCustomerId: string | undefined;
  beneficiaries: { name: string; relation: string | undefined; sharePercent: number | undefined }[];
  sumInsured: number;
  premium: number;
  paymentFrequency: (typeof PAYMENT_FREQUENCIES)[number];
  paymentTermYears: number | undefined;
  effectiveDate: string;
  expiryDate: string;
  status: (typeof POLICY_STATUSES)[number];
  renewalOutcome: (typeof RENEWAL_OUTCOMES)[number] | undefined;
  ownership: Ownership;
  createdAt: Date;
  updatedAt: Date;
}

export type PolicyWrite = Omit<PolicyRecord, 'id' | 'ownership' | 'createdAt' | 'updatedAt'>;

type Opt<T> = T | null | undefined;
interface PolicyLean extends OwnershipDoc {
  _id: Types.ObjectId;
  number: string;
  insurer: string;
  product: string;
  line: PolicyRecord['line'];
  customerId: Types.ObjectId;
  applicantName: string;
  insuredName: string;
  insuredCustomerId?: Opt<Types.ObjectId>;
  beneficiaries?: Opt<{ name: string; relation?: Opt<string>; sharePercent?: Opt<number> }[]>;
  sumInsured: number;
  premium: number;
  paymentFrequency: PolicyRecord['paymentFrequency'];
  paymentTermYears?: Opt<number>;
  effectiveDate: string;
  expiryDate: string;
  status: PolicyRecord['status'];
  renewalOutcome?: Opt<PolicyRecord['renewalOutcome']>;
  createdAt: Date;
  updatedAt: Date;
}

const toPolicy = (d: PolicyLean): PolicyRecord => ({
  id: d._id.toString(),
  number: d.number,
  insurer: d.insurer,
  product: d.product,
  line: d.line,
  customerId: d.customerId.toString(),
  applicantName: d.applicantName,
  insuredName: d.insuredName,
  insuredCustomerId: d.insuredCustomerId?.toString(),
  beneficiaries: (d.beneficiaries ?? []).map((b) => ({
    name: b.name,
    relation: b.relation ?? undefined,
    sharePercent: b.sharePercent ?? undefined,
  })),
  sumInsured: d.sumInsured,
  premium: d.premium,
  paymentFrequency: d.paymentFrequency,
  paymentTermYears: d.paymentTermYears ?? undefined,
  effectiveDate: d.effectiveDate,
  expiryDate: d.expiryDate,
  status: d.status,
  renewalOutcome: d.renewalOutcome ?? undefined,
  ownership: toOwnership(d),
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const toDoc = (w: PolicyWrite) => ({
  ...w,
  customerId: oid(w.customerId),
  insuredCustomerId: w.insuredCustomerId ? oid(w.insuredCustomerId) : undefined,
});

export interface PolicyListFilter {
  customerId?: string | undefined;
  status?: PolicyRecord['status'] | undefined;
  /** Inclusive range of expiry dates ('YYYY-MM-DD'). */
  expiryFrom?: string | undefined;
  expiryTo?: string | undefined;
}

/** Data access for policies; every read takes the caller's scope. */
export function createPolicyRepository(models: PolicyModels) {
  const { Policy } = models;
  return {
    async insert(w: PolicyWrite, ownership: Ownership): Promise<PolicyRecord> {
      const doc = await Policy.create({ ...toDoc(w), ...ownershipToDoc(ownership) });
      return toPolicy(doc.toObject<PolicyLean>());
    },

    async findById(scope: DataScope, id: string): Promise<PolicyRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Policy.findOne({ ...scopeFilter(scope), _id: oid(id) }).lean<PolicyLean>();
      return d ? toPolicy(d) : undefined;
    },

    async findByInsurerNumber(scope: DataScope, insurer: string, number: string) {
      const d = await Policy.findOne({ ...scopeFilter(scope), insurer, number }).lean<PolicyLean>();
      return d ? toPolicy(d) : undefined;
    },

    /** Customer ids holding a policy with exactly this number (search by policy number). */
    async customerIdsByNumber(scope: DataScope, number: string): Promise<string[]> {
      const docs = await Policy.find({ ...scopeFilter(scope), number }, { customerId: 1 })
        .limit(50)
        .lean<{ customerId: Types.ObjectId }[]>();
      return [...new Set(docs.map((d) => d.customerId.toString()))];
    },

    async listForCustomer(scope: DataScope, customerId: string, limit = 200): Promise<PolicyRecord[]> {
      const docs = await Policy.find({ ...scopeFilter(scope), customerId: oid(customerId) })
        .sort({ expiryDate: 1, _id: 1 })
        .limit(limit)
        .lean<PolicyLean[]>();
      return docs.map(toPolicy);
    },

    async list(
      scope: DataScope,
      f: PolicyListFilter,
      page: { skip: number; limit: number },
    ): Promise<{ items: PolicyRecord[]; total: number }> {
      const q: Record<string, unknown> = { ...scopeFilter(scope) };
      if (f.customerId) q.customerId = oid(f.customerId);
      if (f.status) q.status = f.status;
      if (f.expiryFrom || f.expiryTo) {
        q.expiryDate = {
          ...(f.expiryFrom ? { $gte: f.expiryFrom } : {}),
          ...(f.expiryTo ? { $lte: f.expiryTo } : {}),
        };
      }
      const [docs, total] = await Promise.all([
        Policy.find(q).sort({ expiryDate: 1, _id: 1 }).skip(page.skip).limit(page.limit).lean<PolicyLean[]>(),
        Policy.countDocuments(q),
      ]);
      return { items: docs.map(toPolicy), total };
    },

    async update(scope: DataScope, id: string, set: Partial<PolicyWrite>): Promise<PolicyRecord | undefined> {
      const d = await Policy.findOneAndUpdate(
        { ...scopeFilter(scope), _id: oid(id) },
        { $set: set },
        { returnDocument: 'after' },
      ).lean<PolicyLean>();
      return d ? toPolicy(d) : undefined;
    },

    async reassign(customerIds: string[], to: Ownership): Promise<number> {
      return reassignByCustomers(Policy, customerIds, to);
    },
  };
}
export type PolicyRepository = ReturnType<typeof createPolicyRepository>;
