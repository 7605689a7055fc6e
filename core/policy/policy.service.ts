import type { Actor, AuditService } from '../audit/audit.service.js';
import { diffFields } from '../audit/audit.service.js';
import type { Principal } from '../auth/scope.js';
import { addDays, shanghaiDate } from '../customer/business-date.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import { customerNotFound } from '../customer/customer.service.js';
import { isDuplicateKeyError } from '../db/errors.js';
import { AppError, notFound } from '../errors.js';
import type { EventRepository } from '../events/events.repository.js';
import type { SegmentationService } from '../segmentation/segmentation.service.js';
import type { ExportFormat } from '../import/export.js';
import { exportPolicies } from './policy.export.js';
import type { PolicyListFilter, PolicyRecord, PolicyRepository } from './policy.repository.js';
import type { CreatePolicyInput, ListPoliciesQuery, UpdatePolicyInput } from './policy.schemas.js';
import { policyView } from './policy.view.js';

const AUDIT_FIELDS = [
  'number',
  'insurer',
  'product',
  'line',
  'customerId',
  'applicantName',
  'insuredName',
  'insuredCustomerId',
  'beneficiaries',
  'sumInsured',
  'premium',
  'paymentFrequency',
  'paymentTermYears',
  'effectiveDate',
  'expiryDate',
  'status',
  'renewalOutcome',
] as const;

const snapshot = (p: PolicyRecord | undefined) =>
  (p ? { ...p } : undefined) as Record<string, unknown> | undefined;

const numberTaken = (existingId: string | undefined) =>
  new AppError('POLICY_NUMBER_TAKEN', 'policy number already exists for this insurer', {
    userMessage: '该保险公司下已存在相同保单号',
    details: { field: 'number', ...(existingId ? { existingId } : {}) },
  });

/** Policies: scoped to the customer's owner chain, validated, audited; changes emit events and re-segment. */
export function createPolicyService(deps: {
  policies: PolicyRepository;
  customers: CustomerRepository;
  events: EventRepository;
  audit: AuditService;
  segmentation: SegmentationService;
  clock: () => Date;
}) {
  const { policies } = deps;

  async function get(principal: Principal, id: string): Promise<PolicyRecord> {
    const p = await policies.findById(principal.scope, id);
    if (!p) throw notFound('policy', '保单不存在或无权访问');
    return p;
  }

  return {
    async create(actor: Actor, input: CreatePolicyInput) {
      const { principal } = actor;
      const customer = await deps.customers.findById(principal.scope, input.customerId);
      if (!customer) throw customerNotFound();
      let insuredName = input.insuredName;
      if (input.insuredCustomerId) {
        const insured = await deps.customers.findById(principal.scope, input.insuredCustomerId);
        if (!insured) {
          throw new AppError('CUSTOMER_REFERENCE_INVALID', 'insured customer not visible', {
            userMessage: '被保险人客户不存在或无权访问',
            details: [{ path: 'insuredCustomerId', message: '被保险人客户不存在或无权访问' }],
          });
        }
        insuredName ??= insured.name;
      }
      const existing = await policies.findByInsurerNumber(principal.scope, input.insurer, input.number);
      if (existing) throw numberTaken(existing.id);
      let created: PolicyRecord;
      try {
        created = await policies.insert(
          {
            number: input.number,
            insurer: input.insurer,
            product: input.product,
            line: input.line,
            customerId: customer.id,
            applicantName: input.applicantName ?? customer.name,
            insuredName: insuredName ?? customer.name,
            insuredCustomerId: input.insuredCustomerId,
            beneficiaries: (input.beneficiaries ?? []).map((b) => ({
              name: b.name,
              relation: b.relation,
              sharePercent: b.sharePercent,
            })),
            sumInsured: input.sumInsured,
            premium: input.premium,
            paymentFrequency: input.paymentFrequency,
            paymentTermYears: input.paymentTermYears,
            effectiveDate: input.effectiveDate,
            expiryDate: input.expiryDate,
            status: input.status ?? 'in_force',
            renewalOutcome: undefined,
          },
          customer.ownership,
        );
      } catch (err) {
        // Same number at the same insurer outside the caller's scope: refuse without revealing the id.
        if (isDuplicateKeyError(err)) throw numberTaken(undefined);
        throw err;
      }
      await deps.events.append({
        type: 'policy.created',
        dedupeKey: `policy:${created.id}:created`,
        occurredAt: deps.clock(),
        actorId: principal.userId,
        customerId: customer.id,
        ownership: customer.ownership,
        aggregateType: 'policy',
        aggregateId: created.id,
        payload: {
          number: created.number,
          insurer: created.insurer,
          product: created.product,
          line: created.line,
          expiryDate: created.expiryDate,
        },
      });
      await deps.audit.record(
        actor,
        'create',
        'policy',
        created.id,
        diffFields(undefined, snapshot(created), AUDIT_FIELDS),
      );
      await deps.segmentation.recompute(customer.id);
      return policyView(created, deps.clock());
    },

    async get(principal: Principal, id: string) {
      return policyView(await get(principal, id), deps.clock());
    },

    async update(actor: Actor, id: string, input: UpdatePolicyInput) {
      const { principal } = actor;
      const before = await get(principal, id);
      const effective = input.effectiveDate ?? before.effectiveDate;
      const expiry = input.expiryDate ?? before.expiryDate;
      if (expiry <= effective) {
        throw new AppError('VALIDATION_FAILED', 'expiry not after effective date', {
          userMessage: '提交的数据有误，请检查标出的字段',
          details: [{ path: 'expiryDate', message: '满期日必须晚于生效日' }],
        });
      }
      const { beneficiaries, ...rest } = input;
      const after = await policies.update(principal.scope, id, {
        ...rest,
        ...(beneficiaries
          ? {
              beneficiaries: beneficiaries.map((b) => ({
                name: b.name,
                relation: b.relation,
                sharePercent: b.sharePercent,
              })),
            }
          : {}),
      });
      if (!after) throw notFound('policy', '保单不存在或无权访问');
      const changes = diffFields(snapshot(before), snapshot(after), AUDIT_FIELDS);
      if (changes.length) await deps.audit.record(actor, 'update', 'policy', id, changes);
      if (before.status !== after.status) {
        const at = deps.clock();
        await deps.events.append({
          type: 'policy.status_changed',
          dedupeKey: `policy:${id}:status:${at.getTime()}:${after.status}`,
          occurredAt: at,
          actorId: principal.userId,
          customerId: after.customerId,
          ownership: after.ownership,
          aggregateType: 'policy',
          aggregateId: id,
          payload: { number: after.number, from: before.status, to: after.status },
        });
      }
      await deps.segmentation.recompute(after.customerId);
      return policyView(after, deps.clock());
    },

    async list(principal: Principal, query: ListPoliciesQuery) {
      const now = deps.clock();
      const { items, total } = await policies.list(principal.scope, listFilter(query, now), {
        skip: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
      });
      return {
        items: items.map((p) => policyView(p, now)),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },

    /** The list as xlsx/csv: the same filter and scope as `list`, all pages, streamed. */
    export(
      principal: Principal,
      query: Omit<ListPoliciesQuery, 'page' | 'pageSize'>,
      opts: { format: ExportFormat; batchSize?: number },
    ) {
      const now = deps.clock();
      const filter = listFilter(query, now);
      return exportPolicies(
        {
          list: (page) => policies.list(principal.scope, filter, page),
          customerNames: async (ids) => {
            const names = new Map<string, string>();
            // findByIds reads at most 500 ids at a time.
            for (let i = 0; i < ids.length; i += 500)
              for (const c of await deps.customers.findByIds(principal.scope, ids.slice(i, i + 500)))
                names.set(c.id, c.name);
            return names;
          },
          daysToExpiry: (p) => policyView(p, now).daysToExpiry,
        },
        opts,
      );
    },
  };
}

/** The repository filter of a list query ('expiring within N days' counted from today in Shanghai). */
function listFilter(query: Omit<ListPoliciesQuery, 'page' | 'pageSize'>, now: Date): PolicyListFilter {
  const today = shanghaiDate(now);
  return {
    customerId: query.customerId,
    status: query.status,
    expiryFrom: query.expiringWithinDays !== undefined ? today : undefined,
    expiryTo: query.expiringWithinDays !== undefined ? addDays(today, query.expiringWithinDays) : undefined,
  };
}
export type PolicyService = ReturnType<typeof createPolicyService>;
