import { z } from 'zod';
import { businessDate, pageFields } from '../customer/customer.schemas.js';
import { objectIdString } from '../validation.js';
import { PAYMENT_FREQUENCIES, POLICY_LINES, POLICY_STATUSES, RENEWAL_OUTCOMES } from './policy.model.js';

const money = z.number().min(0, '金额不能为负数').max(1e10);
const beneficiaries = z
  .array(
    z.strictObject({
      name: z.string().trim().min(1).max(40),
      relation: z.string().trim().max(20).optional(),
      sharePercent: z.number().min(0).max(100).optional(),
    }),
  )
  .max(10);

const expiryAfterEffective = (v: { effectiveDate?: string | undefined; expiryDate?: string | undefined }) =>
  !v.effectiveDate || !v.expiryDate || v.expiryDate > v.effectiveDate;

/** POST /policies body. */
export const createPolicyInput = z
  .strictObject({
    customerId: objectIdString,
    number: z
      .string()
      .trim()
      .min(3)
      .max(40)
      .regex(/^[A-Za-z0-9-]+$/, '保单号只能包含字母、数字和 -'),
    insurer: z.string().trim().min(2).max(40),
    product: z.string().trim().min(1).max(60),
    line: z.enum(POLICY_LINES),
    applicantName: z.string().trim().min(1).max(40).optional(),
    insuredName: z.string().trim().min(1).max(40).optional(),
    insuredCustomerId: objectIdString.optional(),
    beneficiaries: beneficiaries.optional(),
    sumInsured: money,
    premium: money,
    paymentFrequency: z.enum(PAYMENT_FREQUENCIES),
    paymentTermYears: z.number().int().min(1).max(100).optional(),
    effectiveDate: businessDate,
    expiryDate: businessDate,
    status: z.enum(POLICY_STATUSES).optional(),
  })
  .refine(expiryAfterEffective, { path: ['expiryDate'], message: '满期日必须晚于生效日' });
export type CreatePolicyInput = z.infer<typeof createPolicyInput>;

/** PATCH /policies/:id body. Number, insurer and customer are identity and cannot change. */
export const updatePolicyInput = z
  .strictObject({
    product: z.string().trim().min(1).max(60).optional(),
    beneficiaries: beneficiaries.optional(),
    sumInsured: money.optional(),
    premium: money.optional(),
    paymentFrequency: z.enum(PAYMENT_FREQUENCIES).optional(),
    paymentTermYears: z.number().int().min(1).max(100).optional(),
    effectiveDate: businessDate.optional(),
    expiryDate: businessDate.optional(),
    status: z.enum(POLICY_STATUSES).optional(),
    renewalOutcome: z.enum(RENEWAL_OUTCOMES).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少需要修改一个字段')
  .refine(expiryAfterEffective, { path: ['expiryDate'], message: '满期日必须晚于生效日' });
export type UpdatePolicyInput = z.infer<typeof updatePolicyInput>;

/** GET /policies query. `expiringWithinDays` lists policies expiring from today (Asia/Shanghai) on. */
export const listPoliciesQuery = z.strictObject({
  customerId: objectIdString.optional(),
  status: z.enum(POLICY_STATUSES).optional(),
  expiringWithinDays: z.coerce.number().int().min(0).max(366).optional(),
  ...pageFields,
});
export type ListPoliciesQuery = z.infer<typeof listPoliciesQuery>;

/** GET /policies/export: the list's filters and a format. */
export const exportPoliciesQuery = listPoliciesQuery.omit({ page: true, pageSize: true }).extend({
  format: z.enum(['xlsx', 'csv']).default('xlsx'),
});
