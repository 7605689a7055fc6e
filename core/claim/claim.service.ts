import { randomBytes } from 'node:crypto';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { diffFields } from '../audit/audit.service.js';
import type { Principal } from '../auth/scope.js';
import { shanghaiDate } from '../customer/business-date.js';
import { isDuplicateKeyError } from '../db/errors.js';
import { AppError, notFound } from '../errors.js';
import type { EventRepository } from '../events/events.repository.js';
import type { PolicyRepository } from '../policy/policy.repository.js';
import type { SegmentationService } from '../segmentation/segmentation.service.js';
import type { ClaimRecord, ClaimRepository, ClaimTimelineEntry } from './claim.repository.js';
import type { ClaimTransitionInput, CreateClaimInput, ListClaimsQuery } from './claim.schemas.js';
import { allowedNext, CLAIM_STATUS_LABELS, type ClaimStatus } from './claim.status.js';
import { claimView } from './claim.view.js';

const claimNotFound = () => notFound('claim', '理赔案件不存在或无权访问');

function illegalTransition(from: ClaimStatus, to: ClaimStatus): AppError {
  const allowed = [...allowedNext(from)];
  const names = allowed.map((s) => CLAIM_STATUS_LABELS[s]).join('、') || '无（已结案）';
  return new AppError('CLAIM_TRANSITION_INVALID', `claim cannot go from ${from} to ${to}`, {
    userMessage: `理赔状态不能从「${CLAIM_STATUS_LABELS[from]}」变为「${CLAIM_STATUS_LABELS[to]}」，可选：${names}`,
    details: { from, to, allowed },
  });
}

/** Claims and their status machine. Each transition is atomic, kept in the timeline and emitted as an event. */
export function createClaimService(deps: {
  claims: ClaimRepository;
  policies: PolicyRepository;
  events: EventRepository;
  audit: AuditService;
  segmentation: SegmentationService;
  clock: () => Date;
}) {
  const { claims } = deps;

  const eventFor = (claim: ClaimRecord, entry: ClaimTimelineEntry, amountPaid: number | undefined) => ({
    type: entry.from ? ('claim.transitioned' as const) : ('claim.reported' as const),
    // Claim + timeline position: the unique key that makes this the one transition at that position.
    dedupeKey: `claim:${claim.id}:${entry.seq}`,
    occurredAt: entry.at,
    actorId: entry.actorId,
    customerId: claim.customerId,
    ownership: claim.ownership,
    aggregateType: 'claim' as const,
    aggregateId: claim.id,
    payload: {
      number: claim.number,
      policyId: claim.policyId,
      seq: entry.seq,
      from: entry.from ?? null,
      to: entry.to,
      note: entry.note ?? null,
      actorName: entry.actorName ?? null,
      amountPaid: amountPaid ?? null,
    },
  });

  /**
   * Applies outbox transitions that the claim document is missing (a writer that crashed between
   * claiming its position and updating the claim). The outbox is the commit point, so this rolls forward.
   */
  async function rollForward(claim: ClaimRecord): Promise<void> {
    const events = await deps.events.listForAggregate(claim.id);
    const bySeq = new Map(events.map((e) => [Number(e.payload.seq), e]));
    for (let seq = claim.timeline.length + 1; ; seq++) {
      const event = bySeq.get(seq);
      if (!event) break;
      const p = event.payload;
      const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
      await claims.applyEntry(
        claim.id,
        {
          seq,
          from: str('from') as ClaimStatus | undefined,
          to: str('to') as ClaimStatus,
          at: event.occurredAt,
          actorId: event.actorId,
          actorName: str('actorName'),
          note: str('note'),
        },
        { amountPaid: typeof p.amountPaid === 'number' ? p.amountPaid : undefined },
      );
    }
  }

  return {
    async create(actor: Actor, input: CreateClaimInput, actorName?: string) {
      const { principal } = actor;
      const policy = await deps.policies.findById(principal.scope, input.policyId);
      if (!policy) throw notFound('policy', '保单不存在或无权访问');
      const now = deps.clock();
      const entry: ClaimTimelineEntry = {
        seq: 1,
        from: undefined,
        to: 'reported',
        at: now,
        actorId: principal.userId,
        actorName,
        note: input.note,
      };
      const number =
        input.number ??
        `LP${shanghaiDate(now).replaceAll('-', '')}${randomBytes(3).toString('hex').toUpperCase()}`;
      let claim: ClaimRecord;
      try {
        claim = await claims.insert(
          {
            number,
            policyId: policy.id,
            customerId: policy.customerId,
            claimantName: input.claimantName ?? policy.insuredName,
            incidentDate: input.incidentDate,
            description: input.description ?? '',
            amountClaimed: input.amountClaimed,
            status: 'reported',
            timeline: [entry],
          },
          policy.ownership,
        );
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          throw new AppError('CLAIM_NUMBER_TAKEN', 'claim number exists', {
            userMessage: '理赔编号已存在',
            details: { field: 'number' },
          });
        }
        throw err;
      }
      await deps.events.append(eventFor(claim, entry, undefined));
      await deps.audit.record(actor, 'create', 'claim', claim.id, [
        { field: 'status', before: null, after: 'reported' },
        { field: 'amountClaimed', before: null, after: claim.amountClaimed },
        { field: 'policyId', before: null, after: claim.policyId },
      ]);
      await deps.segmentation.recompute(claim.customerId);
      return claimView(claim);
    },

    async get(principal: Principal, id: string) {
      const c = await claims.findById(principal.scope, id);
      if (!c) throw claimNotFound();
      return claimView(c);
    },

    async list(principal: Principal, query: ListClaimsQuery) {
      const { items, total } = await claims.list(
        principal.scope,
        { customerId: query.customerId, status: query.status },
        { skip: (query.page - 1) * query.pageSize, limit: query.pageSize },
      );
      return { items: items.map(claimView), total, page: query.page, pageSize: query.pageSize };
    },

    /** Moves a claim along the machine; an illegal move is a 409 that lists the allowed next states. */
    async transition(actor: Actor, id: string, input: ClaimTransitionInput, actorName?: string) {
      const { principal } = actor;
      const current = await claims.findById(principal.scope, id);
      if (!current) throw claimNotFound();
      if (!allowedNext(current.status).includes(input.to)) throw illegalTransition(current.status, input.to);
      const entry: ClaimTimelineEntry = {
        seq: current.timeline.length + 1,
        from: current.status,
        to: input.to,
        at: deps.clock(),
        actorId: principal.userId,
        actorName,
        note: input.note,
      };
      // Concurrency: the outbox insert with the unique key claim:<id>:<seq> is the commit point. Of two
      // writers racing for the same position exactly one inserts; the other gets a 409. This does not rely
      // on findOneAndUpdate being atomic, which FerretDB 1.x (read-modify-write) does not guarantee.
      const won = await deps.events.append(eventFor(current, entry, input.amountPaid));
      if (!won) {
        await rollForward(current);
        const now = await claims.findById(principal.scope, id);
        if (!now) throw claimNotFound();
        throw illegalTransition(now.status, input.to);
      }
      const after = await claims.applyEntry(id, entry, { amountPaid: input.amountPaid });
      if (!after) throw new Error(`claim ${id}: timeline moved after position ${entry.seq} was claimed`);
      await deps.audit.record(
        actor,
        'transition',
        'claim',
        id,
        diffFields(
          { status: current.status, amountPaid: current.amountPaid },
          { status: after.status, amountPaid: after.amountPaid },
          ['status', 'amountPaid'],
        ),
        input.note,
      );
      await deps.segmentation.recompute(after.customerId);
      return claimView(after);
    },
  };
}
export type ClaimService = ReturnType<typeof createClaimService>;
