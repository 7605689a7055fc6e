import { z } from 'zod';
import { objectIdString } from '../validation.js';

/** GET /audit query. */
export const listAuditQuery = z.strictObject({
  record: objectIdString.optional(),
  actor: objectIdString.optional(),
  entity: z.enum(['customer', 'policy', 'claim', 'interaction', 'task', 'ticket', 'handover']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
});
export type ListAuditQuery = z.infer<typeof listAuditQuery>;
