import { requireRole, type Principal } from '../auth/scope.js';
import type { AuditAction, AuditEntry, AuditRepository, FieldChange, Origin } from './audit.repository.js';

/** Who is acting and from where: passed by entry points into every core write. */
export interface Actor {
  principal: Principal;
  origin: Origin;
}

const canonical = (v: unknown): string => JSON.stringify(v ?? null);

/**
 * The changed fields between two plain snapshots, limited to `fields`. Values are compared by their
 * JSON form, so arrays and nested objects count as changed only when their content differs.
 */
export function diffFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  fields: readonly string[],
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const b = before?.[field];
    const a = after?.[field];
    if (canonical(b) !== canonical(a)) out.push({ field, before: b ?? null, after: a ?? null });
  }
  return out;
}

/** Records writes and unmasked-PII reads; lets admins read the log. */
export function createAuditService(deps: { audit: AuditRepository; clock: () => Date }) {
  const entry = (
    actor: Actor,
    action: AuditAction,
    entity: string,
    recordId: string,
    changes: FieldChange[],
    note?: string,
  ): Omit<AuditEntry, 'id'> => ({
    at: deps.clock(),
    actorId: actor.principal.userId,
    actorRole: actor.principal.role,
    source: actor.origin.source,
    requestId: actor.origin.requestId,
    ip: actor.origin.ip,
    action,
    entity,
    recordId,
    changes,
    note,
  });

  return {
    entry,
    async record(
      actor: Actor,
      action: AuditAction,
      entity: string,
      recordId: string,
      changes: FieldChange[] = [],
      note?: string,
    ): Promise<void> {
      await deps.audit.append([entry(actor, action, entity, recordId, changes, note)]);
    },
    async recordMany(entries: Omit<AuditEntry, 'id'>[]): Promise<void> {
      await deps.audit.append(entries);
    },
    /** Admins only: the log for one record (or actor), newest first. */
    async list(
      principal: Principal,
      query: { record?: string | undefined; actor?: string | undefined; entity?: string | undefined },
      page: { page: number; pageSize: number },
    ) {
      requireRole(principal, 'admin');
      const { items, total } = await deps.audit.list(
        { recordId: query.record, actorId: query.actor, entity: query.entity },
        { skip: (page.page - 1) * page.pageSize, limit: page.pageSize },
      );
      return { items, total, page: page.page, pageSize: page.pageSize };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
