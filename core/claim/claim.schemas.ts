import { z } from 'zod';
import { businessDate, pageFields } from '../customer/customer.schemas.js';
import { objectIdString } from '../validation.js';
import { CLAIM_STATUSES } from './claim.status.js';

/** POST /claims body (a new claim starts as reported). */
export const createClaimInput = z.strictObject({
  policyId: objectIdString,
  number: z
    .string()
    .trim()
    .min(3)
    .max(40)
    .regex(/^[A-Za-z0-9-]+$/, '理赔编号只能包含字母、数字和 -')
    .optional(),
  claimantName: z.string().trim().min(1).max(40).optional(),
  incidentDate: businessDate,
  amountClaimed: z.number().min(0, '金额不能为负数').max(1e10),
  description: z.string().trim().max(2000).optional(),
  note: z.string().trim().max(500).optional(),
});
export type CreateClaimInput = z.infer<typeof createClaimInput>;

/** POST /claims/:id/transitions body. Moving to `paid` needs the amount paid. */
export const claimTransitionInput = z
  .strictObject({
    to: z.enum(CLAIM_STATUSES),
    note: z.string().trim().max(500).optional(),
    amountPaid: z.number().min(0, '金额不能为负数').max(1e10).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.to === 'paid' && v.amountPaid === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amountPaid'], message: '赔付时必须填写赔付金额' });
    }
    if (v.to !== 'paid' && v.amountPaid !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['amountPaid'], message: '只有赔付时才填写赔付金额' });
    }
  });
export type ClaimTransitionInput = z.infer<typeof claimTransitionInput>;

/** GET /claims query. */
export const listClaimsQuery = z.strictObject({
  customerId: objectIdString.optional(),
  status: z.enum(CLAIM_STATUSES).optional(),
  ...pageFields,
});
export type ListClaimsQuery = z.infer<typeof listClaimsQuery>;
