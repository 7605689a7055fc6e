import { z } from 'zod';
import { objectIdString } from '../validation.js';
import { HIT_SOURCES, HIT_STATUSES } from './compliance.model.js';
import { SEVERITIES } from './matcher.js';

const category = z.string().trim().min(1).max(20);
const pattern = z.string().trim().min(1).max(64);

/** POST /compliance/rules body. */
export const createRuleInput = z.strictObject({
  category,
  pattern,
  severity: z.enum(SEVERITIES),
  alternative: z.string().trim().max(300).default(''),
  negatable: z.boolean().default(true),
  active: z.boolean().default(true),
  note: z.string().trim().max(300).optional(),
});
export type CreateRuleInput = z.infer<typeof createRuleInput>;

/** PATCH /compliance/rules/:id body: a subset of the fields. */
export const updateRuleInput = z
  .strictObject({
    category: category.optional(),
    pattern: pattern.optional(),
    severity: z.enum(SEVERITIES).optional(),
    alternative: z.string().trim().max(300).optional(),
    negatable: z.boolean().optional(),
    active: z.boolean().optional(),
    note: z.string().trim().max(300).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少修改一个字段');
export type UpdateRuleInput = z.infer<typeof updateRuleInput>;

const booleanString = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const listRulesQuery = z.strictObject({
  category: category.optional(),
  severity: z.enum(SEVERITIES).optional(),
  active: booleanString,
});
export type ListRulesQuery = z.infer<typeof listRulesQuery>;

/** POST /compliance/check body: a dry run, nothing is stored. */
export const checkTextInput = z.strictObject({ text: z.string().max(10_000) });

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export const listHitsQuery = z.strictObject({
  status: z.enum(HIT_STATUSES).optional(),
  source: z.enum(HIT_SOURCES).optional(),
  category: category.optional(),
  severity: z.enum(SEVERITIES).optional(),
  teamId: objectIdString.optional(),
  agentId: objectIdString.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListHitsQuery = z.infer<typeof listHitsQuery>;

export const reviewHitInput = z.strictObject({
  status: z.enum(['acknowledged', 'false_positive']),
  note: z.string().trim().max(500).optional(),
});
export type ReviewHitInput = z.infer<typeof reviewHitInput>;

/** GET /compliance/report: business dates (Asia/Shanghai), both inclusive. */
export const reportQuery = z
  .strictObject({
    from: isoDate,
    to: isoDate,
    teamId: objectIdString.optional(),
    category: category.optional(),
  })
  .refine((v) => v.from <= v.to, { message: '开始日期不能晚于结束日期', path: ['to'] });
export type ReportQuery = z.infer<typeof reportQuery>;

export const listAlertsQuery = z.strictObject({
  status: z.enum(['pending', 'delivered']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
