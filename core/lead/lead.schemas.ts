import { z } from 'zod';
import { pageFields } from '../customer/customer.schemas.js';
import { normalizeCnMobile } from '../customer/phone.js';
import { objectIdString } from '../validation.js';
import {
  ACTIVITY_TYPES,
  LEAD_GRADES,
  LEAD_INTENTS,
  LEAD_SOURCES,
  LEAD_STAGES,
  LEAD_TYPES,
} from './lead.options.js';

const text = (max: number) => z.string().trim().max(max);

/** A mainland mobile in any common spelling → E.164; anything else is refused with a Chinese message. */
const leadPhone = z
  .string()
  .trim()
  .max(20)
  .transform((v, ctx) => {
    const n = normalizeCnMobile(v);
    if (!n) {
      ctx.addIssue({ code: 'custom', message: '不是有效的中国大陆手机号' });
      return z.NEVER;
    }
    return n;
  });

/** The contact and qualification data every intake path sends (API key, mini-program, WeCom, bot, manual). */
export const intakeFields = {
  name: text(40).min(1).optional(),
  phone: leadPhone.optional(),
  wechatId: text(64).min(1).optional(),
  unionid: text(64).min(1).optional(),
  externalUserId: text(128).min(1).optional(),
  source: z.enum(LEAD_SOURCES).optional(),
  sourceDetail: text(100).optional(),
  intent: z.enum(LEAD_INTENTS).optional(),
  type: z.enum(LEAD_TYPES).optional(),
  region: text(60).optional(),
  productInterest: z.array(text(20).min(1)).max(10).optional(),
  note: text(1000).optional(),
  referrerName: text(40).min(1).optional(),
  referrerCustomerId: objectIdString.optional(),
};

/** POST /leads/intake body (API key). */
export const intakeInput = z.strictObject(intakeFields);
export type IntakeInput = z.infer<typeof intakeInput>;

/** POST /leads body (manual creation). `assigneeId`: managers may pick; agents get their own leads. */
export const createLeadInput = z.strictObject({ ...intakeFields, assigneeId: objectIdString.optional() });
export type CreateLeadInput = z.infer<typeof createLeadInput>;

export const listLeadsQuery = z.strictObject({
  stage: z.enum(LEAD_STAGES).optional(),
  grade: z.enum(LEAD_GRADES).optional(),
  source: z.enum(LEAD_SOURCES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  ...pageFields,
});
export type ListLeadsQuery = z.infer<typeof listLeadsQuery>;

export const moveStageInput = z.strictObject({
  stage: z.enum(['contacted', 'needs_analysis', 'proposal', 'won', 'lost']),
  lossReason: text(100).min(1).optional(),
  note: text(500).optional(),
});
export type MoveStageInput = z.infer<typeof moveStageInput>;

export const activityInput = z.strictObject({
  type: z.enum(ACTIVITY_TYPES),
  summary: text(1000).min(1),
});
export type ActivityInput = z.infer<typeof activityInput>;

export const reassignInput = z.strictObject({ assigneeId: objectIdString });
export const mergeInput = z.strictObject({ otherLeadId: objectIdString });

const ruleMatch = z.strictObject({
  regions: z.array(text(60).min(1)).max(50).default([]),
  productInterests: z.array(text(20).min(1)).max(50).default([]),
  sources: z.array(z.enum(LEAD_SOURCES)).max(20).default([]),
});
const ruleTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('agent'), userId: objectIdString }),
  z.strictObject({ kind: z.literal('team'), teamId: objectIdString }),
  z.strictObject({ kind: z.literal('pool') }),
]);
export const ruleInput = z.strictObject({
  name: text(60).min(1),
  order: z.number().int().min(0).max(100_000),
  enabled: z.boolean().default(true),
  match: ruleMatch.default({ regions: [], productInterests: [], sources: [] }),
  target: ruleTarget,
});
export const ruleUpdateInput = z
  .strictObject({
    name: text(60).min(1).optional(),
    order: z.number().int().min(0).max(100_000).optional(),
    enabled: z.boolean().optional(),
    match: ruleMatch.optional(),
    target: ruleTarget.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少需要修改一个字段');
export const capacityInput = z.strictObject({ capacity: z.number().int().min(0).max(10_000) });

export const apiKeyInput = z.strictObject({
  name: text(60).min(1),
  source: z.enum(LEAD_SOURCES).default('官网'),
});
