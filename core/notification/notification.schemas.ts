import { z } from 'zod';
import { objectIdString } from '../validation.js';
import { CHANNELS, STATUSES } from './notification.model.js';

/** GET /notifications query. */
export const listNotificationsQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  kind: z
    .string()
    .regex(/^[a-z_]{1,40}$/, '类型只能包含小写字母和下划线')
    .optional(),
  customerId: objectIdString.optional(),
  relatedId: z.string().trim().min(1).max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuery>;
