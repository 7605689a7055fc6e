import type { Types } from 'mongoose';
import type { AuditModels } from './audit.model.js';

/** Where an action came from: the API (with request id and address), the bot, a job or the seed. */
export interface Origin {
  source: 'api' | 'bot' | 'job' | 'seed' | 'test';
  requestId?: string | undefined;
  ip?: string | undefined;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export type AuditAction = 'create' | 'update' | 'transition' | 'handover' | 'pii.read';

export interface AuditEntry {
  id: string;
  at: Date;
  actorId: string;
  actorRole: string;
  source: Origin['source'];
  requestId: string | undefined;
  ip: string | undefined;
  action: AuditAction;
  entity: string;
  recordId: string;
  changes: FieldChange[];
  note: string | undefined;
}

interface AuditLean {
  _id: Types.ObjectId;
  at: Date;
  actorId: string;
  actorRole: string;
  source: Origin['source'];
  requestId?: string | null;
  ip?: string | null;
  action: AuditAction;
  entity: string;
  recordId: string;
  changes?: FieldChange[] | null;
  note?: string | null;
}

const toEntry = (d: AuditLean): AuditEntry => ({
  id: d._id.toString(),
  at: d.at,
  actorId: d.actorId,
  actorRole: d.actorRole,
  source: d.source,
  requestId: d.requestId ?? undefined,
  ip: d.ip ?? undefined,
  action: d.action,
  entity: d.entity,
  recordId: d.recordId,
  changes: (d.changes ?? []).map((c) => ({ field: c.field, before: c.before, after: c.after })),
  note: d.note ?? undefined,
});

/** The audit log: insert and read, nothing else (the model refuses updates and deletes). */
export function createAuditRepository(models: AuditModels) {
  const { AuditLog } = models;
  return {
    async append(entries: Omit<AuditEntry, 'id'>[]): Promise<void> {
      if (entries.length === 0) return;
      await AuditLog.insertMany(entries, { ordered: true });
    },

    async list(
      filter: { recordId?: string | undefined; actorId?: string | undefined; entity?: string | undefined },
      page: { skip: number; limit: number },
    ): Promise<{ items: AuditEntry[]; total: number }> {
      const q: Record<string, unknown> = {};
      if (filter.recordId) q.recordId = filter.recordId;
      if (filter.actorId) q.actorId = filter.actorId;
      if (filter.entity) q.entity = filter.entity;
      const [docs, total] = await Promise.all([
        AuditLog.find(q).sort({ at: -1, _id: -1 }).skip(page.skip).limit(page.limit).lean<AuditLean[]>(),
        AuditLog.countDocuments(q),
      ]);
      return { items: docs.map(toEntry), total };
    },
  };
}
export type AuditRepository = ReturnType<typeof createAuditRepository>;
