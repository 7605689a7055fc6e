import { z } from 'zod';
import { objectIdString } from '../validation.js';
import { isBusinessDate } from './business-date.js';
import {
  FAMILY_RELATIONS,
  GENDERS,
  OCCUPATIONS,
  PHONE_LABELS,
  PREFERRED_CHANNELS,
  RISK_PREFERENCES,
  SOURCE_CHANNELS,
} from './customer.options.js';
import { isValidIdNumber, normalizeIdNumber } from './id-number.js';
import { normalizeCnMobile } from './phone.js';

/** A calendar date 'YYYY-MM-DD' (Asia/Shanghai business date). */
export const businessDate = z
  .string()
  .trim()
  .refine(isBusinessDate, '日期格式应为 YYYY-MM-DD，且须为有效日期');

/** A Chinese mainland mobile, normalized to E.164. */
export const cnMobile = z
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

const text = (max: number) => z.string().trim().max(max);
const tag = z.string().trim().min(1).max(20);

const phonesInput = z
  .array(z.strictObject({ number: cnMobile, label: z.enum(PHONE_LABELS).default('mobile') }))
  .max(5)
  .superRefine((phones, ctx) => {
    const seen = new Set<string>();
    phones.forEach((p, i) => {
      if (seen.has(p.number)) ctx.addIssue({ code: 'custom', path: [i, 'number'], message: '手机号重复' });
      seen.add(p.number);
    });
  });

const idNumberInput = z
  .string()
  .trim()
  .refine(isValidIdNumber, '身份证号码格式或校验位不正确')
  .transform(normalizeIdNumber);

const familyInput = z
  .array(
    z.strictObject({
      relation: z.enum(FAMILY_RELATIONS),
      name: text(40).min(1),
      birthday: businessDate.optional(),
      linkedCustomerId: objectIdString.optional(),
    }),
  )
  .max(20);

const customerFields = {
  name: text(40).min(1),
  gender: z.enum(GENDERS).optional(),
  birthday: businessDate.optional(),
  occupation: z.enum(OCCUPATIONS).optional(),
  phones: phonesInput.optional(),
  idNumber: idNumberInput.optional(),
  address: text(200).optional(),
  region: text(60).optional(),
  identities: z
    .strictObject({
      corpId: text(64).optional(),
      externalUserId: text(128).optional(),
      unionid: text(64).optional(),
      openid: text(64).optional(),
    })
    .optional(),
  family: familyInput.optional(),
  anniversaries: z
    .array(z.strictObject({ label: text(20).min(1), date: businessDate }))
    .max(20)
    .optional(),
  preferences: z
    .strictObject({
      channel: z.enum(PREFERRED_CHANNELS).optional(),
      risk: z.enum(RISK_PREFERENCES).optional(),
      contactTime: text(40).optional(),
    })
    .optional(),
  softInfo: z
    .strictObject({ notes: text(2000).optional(), tags: z.array(tag).max(50).optional() })
    .optional(),
  tags: z.array(tag).max(50).optional(),
  sourceChannel: z.enum(SOURCE_CHANNELS).optional(),
  referrerId: objectIdString.optional(),
};

/** POST /customers body. `ownerId` defaults to the caller (agents may only own their own). */
export const createCustomerInput = z.strictObject({ ...customerFields, ownerId: objectIdString.optional() });
export type CreateCustomerInput = z.infer<typeof createCustomerInput>;

/**
 * PATCH /customers/:id body: a subset of the fields; a given array replaces the stored one; `null` clears an
 * optional field. Ownership changes go through handover, not here.
 */
export const updateCustomerInput = z
  .strictObject({
    name: customerFields.name.optional(),
    gender: customerFields.gender,
    birthday: businessDate.nullable().optional(),
    occupation: z.enum(OCCUPATIONS).nullable().optional(),
    phones: customerFields.phones,
    idNumber: idNumberInput.nullable().optional(),
    address: text(200).nullable().optional(),
    region: text(60).nullable().optional(),
    identities: customerFields.identities,
    family: customerFields.family,
    anniversaries: customerFields.anniversaries,
    preferences: customerFields.preferences,
    softInfo: customerFields.softInfo,
    tags: customerFields.tags,
    sourceChannel: customerFields.sourceChannel,
    referrerId: objectIdString.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少需要修改一个字段');
export type UpdateCustomerInput = z.infer<typeof updateCustomerInput>;

const pageFields = {
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};
export { pageFields };

/** GET /customers query. `q` is a name, pinyin initials, phone (full or last 4) or policy number. */
export const listCustomersQuery = z.strictObject({
  q: z.string().trim().min(1).max(40).optional(),
  tag: tag.optional(),
  tier: z.enum(['high', 'medium', 'low']).optional(),
  book: z.enum(['general', 'screened', 'deal', 'select', 'core']).optional(),
  lifecycle: z.enum(['active', 'potential', 'dormant', 'churned']).optional(),
  ownerId: objectIdString.optional(),
  ...pageFields,
});
export type ListCustomersQuery = z.infer<typeof listCustomersQuery>;

/** GET /customers/export: the list's filters, a format, and `reveal=idNumber` (owner agent/admin; audited). */
export const exportCustomersQuery = listCustomersQuery.omit({ page: true, pageSize: true }).extend({
  format: z.enum(['xlsx', 'csv']).default('xlsx'),
  reveal: z.enum(['idNumber']).optional(),
});

/** GET /customers/:id query: `reveal=idNumber` asks for the unmasked ID number (allowed roles; audited). */
export const getCustomerQuery = z.strictObject({ reveal: z.enum(['idNumber']).optional() });

/** GET /customers/:id/timeline query. */
export const timelineQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  before: z.iso.datetime({ offset: true }).optional(),
});

/** POST /handover body. */
export const handoverInput = z.strictObject({
  fromAgentId: objectIdString,
  toAgentId: objectIdString,
  customerIds: z.array(objectIdString).min(1).max(1000).optional(),
  note: text(200).optional(),
});
export type HandoverInput = z.infer<typeof handoverInput>;
