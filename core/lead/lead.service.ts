import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { requireRole, type Principal } from '../auth/scope.js';
import { shanghaiDate } from '../customer/business-date.js';
import type { CustomerModels } from '../customer/customer.model.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import type { CustomerService } from '../customer/customer.service.js';
import { SYSTEM_SCOPE } from '../customer/ownership.js';
import { isDuplicateKeyError } from '../db/errors.js';
import { AppError, notFound } from '../errors.js';
import type { InteractionRepository } from '../interaction/interaction.repository.js';
import { maskPhone } from '../security/pii.js';
import type { TaskRepository } from '../task/task.repository.js';
import type { UserRecord, UserRepository } from '../user/user.repository.js';
import type { Assignment, AssignmentDecision } from './assignment.js';
import type { LeadModels } from './lead.model.js';
import {
  LEAD_INTENTS,
  OPEN_STAGES,
  STAGE_LABELS,
  type LeadIntent,
  type LeadSource,
  type LeadStage,
} from './lead.options.js';
import type {
  LeadHistoryEntry,
  LeadListFilter,
  LeadRecord,
  LeadRepository,
  LeadWrite,
} from './lead.repository.js';
import type {
  ActivityInput,
  CreateLeadInput,
  IntakeInput,
  ListLeadsQuery,
  MoveStageInput,
} from './lead.schemas.js';
import { firstContactDue, gradeLead, stageDue, type LeadSettings } from './lead.settings.js';

/** How a lead arrived; recorded on each source entry ("what came from where"). */
export type IntakeVia = 'api' | 'manual' | 'miniprogram' | 'wecom' | 'bot' | 'import';

export interface IntakeContext {
  via: IntakeVia;
  /** The person acting (manual, bot); absent for API keys and WeCom events. */
  actor?: Actor | undefined;
  /** Assign to this user instead of running the rules (WeCom: the member the customer added). */
  assignTo?: UserRecord | undefined;
  /** Source detail such as the API key's name or the WeCom `State`. */
  detail?: string | undefined;
  importId?: string | undefined;
}

export type IntakeOutcome =
  | { outcome: 'created'; lead: LeadRecord; message: string }
  | { outcome: 'merged'; lead: LeadRecord; matchedOn: string[]; mergeId: string; message: string }
  | { outcome: 'existing_customer'; customerId: string; matchedOn: string[]; message: string };

export const leadNotFound = () => notFound('lead', '线索不存在或无权访问');

const STAGE_ORDER: Record<LeadStage, number> = {
  new: 0,
  assigned: 1,
  contacted: 2,
  needs_analysis: 3,
  proposal: 4,
  won: 5,
  lost: 5,
};

/** Dedupe keys of a contact: normalized phone, unionid, external_userid. */
export function dedupeKeys(c: {
  phone?: string | undefined;
  unionid?: string | undefined;
  externalUserId?: string | undefined;
}) {
  return [
    ...(c.phone ? [`phone:${c.phone}`] : []),
    ...(c.unionid ? [`unionid:${c.unionid}`] : []),
    ...(c.externalUserId ? [`ext:${c.externalUserId}`] : []),
  ];
}
const keyLabel = (k: string) =>
  k.startsWith('phone:') ? '手机号' : k.startsWith('unionid:') ? 'unionid' : '企业微信客户ID';

/** The JSON a lead is answered with (stage labels, overdue flags, the assignment's reason). */
export function leadView(l: LeadRecord, now: Date) {
  const overdueFirstContact = l.stage === 'assigned' && !!l.firstContactDueAt && l.firstContactDueAt < now;
  const overdueStage = OPEN_STAGES.includes(l.stage) && !!l.stageDueAt && l.stageDueAt < now;
  return {
    id: l.id,
    name: l.name ?? null,
    phone: l.phone ?? null,
    wechatId: l.wechatId ?? null,
    unionid: l.unionid ?? null,
    externalUserId: l.externalUserId ?? null,
    source: l.source,
    sourceDetail: l.sourceDetail ?? null,
    intent: l.intent,
    type: l.type,
    grade: l.grade,
    region: l.region ?? null,
    productInterest: l.productInterest,
    note: l.note ?? null,
    referrerName: l.referrerName ?? null,
    referrerCustomerId: l.referrerCustomerId ?? null,
    stage: l.stage,
    stageLabel: STAGE_LABELS[l.stage],
    stageEnteredAt: l.stageEnteredAt.toISOString(),
    stageDueAt: l.stageDueAt?.toISOString() ?? null,
    lossReason: l.lossReason ?? null,
    assigneeId: l.assigneeId ?? null,
    teamId: l.teamId ?? null,
    assignment: l.assignment ?? null,
    firstContactDueAt: l.firstContactDueAt?.toISOString() ?? null,
    contactedAt: l.contactedAt?.toISOString() ?? null,
    overdue: overdueFirstContact || overdueStage,
    overdueReason: overdueFirstContact
      ? '超过首次联系时限'
      : overdueStage
        ? `「${STAGE_LABELS[l.stage]}」阶段超时`
        : null,
    inPool: l.inPool,
    customerId: l.customerId ?? null,
    mergedInto: l.mergedInto ?? null,
    history: l.history.map((h) => ({ ...h, at: h.at.toISOString() })),
    sources: l.sources.map((s) => ({
      at: s.at.toISOString(),
      channel: s.channel,
      via: s.via,
      detail: s.detail ?? null,
      fromLeadId: s.fromLeadId ?? null,
    })),
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}
export type LeadView = ReturnType<typeof leadView>;

export interface LeadServiceDeps {
  models: LeadModels & Pick<CustomerModels, 'Customer' | 'CustomerPhoneKey'>;
  leads: LeadRepository;
  assignment: Assignment;
  users: UserRepository;
  customers: CustomerRepository;
  customerService: CustomerService;
  interactions: InteractionRepository;
  tasks: TaskRepository;
  audit: AuditService;
  settings: LeadSettings;
  clock: () => Date;
}

/** Fields a merge may fill on the surviving lead (identity and qualification, never pipeline state). */
const MERGE_FIELDS = [
  'name',
  'phone',
  'phoneLast4',
  'wechatId',
  'unionid',
  'externalUserId',
  'region',
  'note',
  'referrerName',
  'referrerCustomerId',
  'productInterest',
  'intent',
  'grade',
  'type',
] as const;

/**
 * Leads: intake from every channel with normalization and dedupe (against leads and customers), grading,
 * rule-based assignment, the public pool, the pipeline, merges (recorded and reversible) and conversion
 * to a customer on 成交.
 */
export function createLeadService(deps: LeadServiceDeps) {
  const { leads, settings } = deps;
  const now = () => deps.clock();
  const systemActorId = 'system';

  async function get(principal: Principal, id: string): Promise<LeadRecord> {
    const l = await leads.findById(principal.scope, id);
    if (!l) {
      // Pool leads are visible to every agent (they may claim them).
      const pooled = await leads.findById(SYSTEM_SCOPE, id);
      if (pooled?.inPool) return pooled;
      throw leadNotFound();
    }
    return l;
  }

  /** A customer already holding one of these identities (phone, unionid, external_userid). */
  async function matchCustomer(c: {
    phone?: string | undefined;
    unionid?: string | undefined;
    externalUserId?: string | undefined;
  }): Promise<{ customerId: string; matchedOn: string[] } | undefined> {
    const { Customer, CustomerPhoneKey } = deps.models;
    if (c.phone) {
      const k = await CustomerPhoneKey.findOne({ phone: c.phone }).lean();
      if (k) return { customerId: k.customerId.toString(), matchedOn: ['手机号'] };
    }
    if (c.unionid) {
      const d = await Customer.findOne({ 'identities.unionid': c.unionid }, { _id: 1 }).lean();
      if (d) return { customerId: d._id.toString(), matchedOn: ['unionid'] };
    }
    if (c.externalUserId) {
      const d = await Customer.findOne({ 'identities.externalUserId': c.externalUserId }, { _id: 1 }).lean();
      if (d) return { customerId: d._id.toString(), matchedOn: ['企业微信客户ID'] };
    }
    return undefined;
  }

  /** Follows merges to the lead that holds the record now. */
  async function live(id: string): Promise<LeadRecord | undefined> {
    let l = await leads.findById(SYSTEM_SCOPE, id);
    for (let hop = 0; l?.mergedInto && hop < 10; hop++) l = await leads.findById(SYSTEM_SCOPE, l.mergedInto);
    return l;
  }

  async function applyDecision(
    lead: LeadRecord,
    d: AssignmentDecision,
    actorId: string,
  ): Promise<LeadRecord> {
    const at = now();
    if (d.kind === 'pool') {
      const updated = await leads.update(
        lead.id,
        {
          inPool: true,
          poolEpoch: lead.poolEpoch + 1,
          assignment: { ruleId: d.ruleId, ruleName: d.ruleName, reason: d.reason },
        },
        { history: [{ at, actorId, kind: 'pool', note: d.reason }] },
      );
      return updated ?? lead;
    }
    return assignTo(lead, d.user, { ruleId: d.ruleId, ruleName: d.ruleName, reason: d.reason }, actorId);
  }

  async function assignTo(
    lead: LeadRecord,
    user: UserRecord,
    assignment: { ruleId: string | undefined; ruleName: string | undefined; reason: string },
    actorId: string,
    extra: LeadHistoryEntry[] = [],
  ): Promise<LeadRecord> {
    return (await assignIf(lead, user, assignment, actorId, extra)) ?? lead;
  }

  /** Assigns the lead only if it still matches `guard`; undefined when it does not (someone moved it). */
  async function assignIf(
    lead: LeadRecord,
    user: UserRecord,
    assignment: { ruleId: string | undefined; ruleName: string | undefined; reason: string },
    actorId: string,
    extra: LeadHistoryEntry[] = [],
    guard: Record<string, unknown> = {},
  ): Promise<LeadRecord | undefined> {
    const at = now();
    const stage: LeadStage = STAGE_ORDER[lead.stage] < STAGE_ORDER.assigned ? 'assigned' : lead.stage;
    return leads.update(
      lead.id,
      {
        assigneeId: user.id,
        teamId: user.teamId,
        branchId: user.branchId,
        assignedAt: at,
        assignment,
        inPool: false,
        stage,
        reachedStages: [...new Set([...lead.reachedStages, stage])],
        ...(stage !== lead.stage ? { stageEnteredAt: at, stageDueAt: stageDue(settings, stage, at) } : {}),
        // The first-contact clock starts when someone is responsible for the lead.
        ...(lead.contactedAt ? {} : { firstContactDueAt: firstContactDue(settings, lead.grade, at) }),
      },
      {
        history: [
          ...extra,
          { at, actorId, kind: 'assigned', to: user.id, note: assignment.reason },
          ...(stage !== lead.stage
            ? [{ at, actorId, kind: 'stage' as const, from: lead.stage, to: stage }]
            : []),
        ],
      },
      [],
      guard,
    );
  }

  /** An intake of a person who is already a lead: fill what the lead lacks, keep both in the history. */
  async function mergeIntoExisting(
    existing: LeadRecord,
    input: IntakeInput,
    ctx: IntakeContext,
    matchedOn: string[],
  ): Promise<IntakeOutcome> {
    const at = now();
    const mergeId = new Types.ObjectId().toString();
    const before = await leads.rawById(existing.id);
    const fill = fillFrom(existing, {
      name: input.name,
      phone: input.phone,
      wechatId: input.wechatId,
      unionid: input.unionid,
      externalUserId: input.externalUserId,
      region: input.region,
      note: input.note,
      referrerName: input.referrerName,
      referrerCustomerId: input.referrerCustomerId,
      productInterest: input.productInterest ?? [],
      intent: input.intent,
    });
    const newKeys = dedupeKeys(input).filter((k) => !dedupeKeys(existing).includes(k));
    const taken = await leads.claimKeys(existing.id, newKeys);
    const moved = newKeys.filter((k) => !taken.has(k));
    await deps.models.LeadMerge.create({
      _id: new Types.ObjectId(mergeId),
      survivorId: new Types.ObjectId(existing.id),
      kind: 'intake',
      survivorBefore: before ?? {},
      intake: { input, via: ctx.via, detail: ctx.detail, actorId: ctx.actor?.principal.userId },
      movedKeys: moved,
      matchedOn,
      actorId: ctx.actor?.principal.userId ?? systemActorId,
      at,
    });
    const updated = await leads.update(existing.id, fill, {
      history: [
        {
          at,
          actorId: ctx.actor?.principal.userId ?? systemActorId,
          kind: 'intake',
          note: `再次留资（${input.source ?? existing.source}，${ctx.via}），按${matchedOn.join('、')}合并`,
          mergeId,
        },
      ],
      sources: [
        {
          at,
          channel: input.source ?? existing.source,
          via: ctx.via,
          detail: ctx.detail,
          raw: rawOf(input),
          mergeId,
        },
      ],
    });
    const lead = updated ?? existing;
    return {
      outcome: 'merged',
      lead,
      matchedOn,
      mergeId,
      message: `线索已存在（按${matchedOn.join('、')}匹配），已合并到原线索${lead.name ? `「${lead.name}」` : ''}`,
    };
  }

  /** Values the surviving lead lacks, taken from `other` (grade follows the stronger intent). */
  function fillFrom(
    survivor: LeadRecord,
    other: {
      name?: string | undefined;
      phone?: string | undefined;
      wechatId?: string | undefined;
      unionid?: string | undefined;
      externalUserId?: string | undefined;
      region?: string | undefined;
      note?: string | undefined;
      referrerName?: string | undefined;
      referrerCustomerId?: string | undefined;
      productInterest: string[];
      intent?: LeadIntent | undefined;
    },
  ): Partial<LeadWrite> {
    const set: Partial<LeadWrite> = {};
    if (!survivor.name && other.name) set.name = other.name;
    if (!survivor.phone && other.phone) set.phone = other.phone;
    if (!survivor.wechatId && other.wechatId) set.wechatId = other.wechatId;
    if (!survivor.unionid && other.unionid) set.unionid = other.unionid;
    if (!survivor.externalUserId && other.externalUserId) set.externalUserId = other.externalUserId;
    if (!survivor.region && other.region) set.region = other.region;
    if (other.note && other.note !== survivor.note)
      set.note = [survivor.note, other.note].filter(Boolean).join('\n');
    if (!survivor.referrerName && other.referrerName) set.referrerName = other.referrerName;
    if (!survivor.referrerCustomerId && other.referrerCustomerId)
      set.referrerCustomerId = other.referrerCustomerId;
    const interests = [...new Set([...survivor.productInterest, ...other.productInterest])];
    if (interests.length !== survivor.productInterest.length) set.productInterest = interests;
    if (other.intent && LEAD_INTENTS.indexOf(other.intent) < LEAD_INTENTS.indexOf(survivor.intent)) {
      set.intent = other.intent;
      set.grade = gradeLead(settings, other.intent, survivor.type).grade;
    }
    if (set.phone) set.phoneLast4 = set.phone.slice(-4);
    return set;
  }

  async function touchCustomer(customerId: string, input: IntakeInput, ctx: IntakeContext): Promise<void> {
    const c = await deps.customers.findById(SYSTEM_SCOPE, customerId);
    if (!c) return;
    const day = shanghaiDate(now());
    // One follow-up task per customer, source and day: a form submitted three times is one task.
    const id = createHash('sha256')
      .update(`lead-existing:${customerId}:${input.source ?? ''}:${day}`)
      .digest('hex')
      .slice(0, 24);
    try {
      await deps.tasks.insert(
        {
          id,
          title: `老客户${c.name}再次留资（${input.source ?? '其他'}），请跟进`,
          note: [
            input.note,
            input.productInterest?.length ? `意向：${input.productInterest.join('、')}` : undefined,
          ]
            .filter(Boolean)
            .join('；'),
          customerId,
          dueDate: day,
          sourceType: 'system',
          sourceId: undefined,
          createdBy: ctx.actor?.principal.userId ?? '000000000000000000000000',
        },
        c.ownership,
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /**
   * The one entry point for every channel (API key, manual, mini-program QR form, WeCom "customer added",
   * bot, import). Normalized input → a customer with the same phone/unionid/external_userid: no lead, a
   * follow-up task for its owner; a lead with one: merged into it (recorded, reversible); else a new
   * graded lead, assigned by the rules (or to `ctx.assignTo`).
   */
  async function intake(input: IntakeInput, ctx: IntakeContext): Promise<IntakeOutcome> {
    if (!input.phone && !input.unionid && !input.externalUserId && !input.wechatId) {
      throw new AppError('LEAD_CONTACT_REQUIRED', 'lead without any contact', {
        userMessage: '请至少提供手机号、微信号、unionid 或企业微信客户ID 之一',
        details: [{ path: 'phone', message: '请至少提供一种联系方式' }],
      });
    }
    const customer = await matchCustomer(input);
    if (customer) {
      await touchCustomer(customer.customerId, input, ctx);
      return {
        outcome: 'existing_customer',
        customerId: customer.customerId,
        matchedOn: customer.matchedOn,
        message: `已是老客户（按${customer.matchedOn.join('、')}匹配），未新建线索，已提醒归属顾问跟进`,
      };
    }
    const keys = dedupeKeys(input);
    const owners = await leads.keyOwners(keys);
    const firstOwner = [...owners.entries()][0];
    if (firstOwner) {
      const existing = await live(firstOwner[1]);
      if (existing) return mergeIntoExisting(existing, input, ctx, [...owners.keys()].map(keyLabel));
    }

    const id = leads.newId();
    // Keys first (unique index): of two racing intakes of one person, the second merges into the first.
    const taken = await leads.claimKeys(id, keys);
    const race = [...taken.entries()][0];
    if (race) {
      await leads.releaseKeys(id, keys);
      const existing = await live(race[1]);
      if (existing) return mergeIntoExisting(existing, input, ctx, [...taken.keys()].map(keyLabel));
    }
    const at = now();
    const intent = input.intent ?? 'medium';
    const type = input.type ?? '综合型';
    const graded = gradeLead(settings, intent, type);
    const source: LeadSource =
      input.source ?? (input.referrerName || input.referrerCustomerId ? '转介绍' : '其他');
    const actorId = ctx.actor?.principal.userId ?? systemActorId;
    let lead: LeadRecord;
    try {
      lead = await leads.insert(id, {
        name: input.name,
        phone: input.phone,
        wechatId: input.wechatId,
        unionid: input.unionid,
        externalUserId: input.externalUserId,
        source,
        sourceDetail: input.sourceDetail ?? ctx.detail,
        intent,
        type,
        grade: graded.grade,
        region: input.region,
        productInterest: input.productInterest ?? [],
        note: input.note,
        referrerName: input.referrerName,
        referrerCustomerId: input.referrerCustomerId,
        stage: 'new',
        reachedStages: ['new'],
        stageEnteredAt: at,
        stageDueAt: undefined,
        lossReason: undefined,
        assigneeId: undefined,
        teamId: undefined,
        branchId: undefined,
        assignedAt: undefined,
        assignment: undefined,
        firstContactDueAt: undefined,
        contactedAt: undefined,
        inPool: false,
        poolEpoch: 0,
        wonAt: undefined,
        lostAt: undefined,
        customerId: undefined,
        mergedInto: undefined,
        history: [
          {
            at,
            actorId,
            kind: 'created',
            note: `${source}（${ctx.via}）；${graded.grade} 类：${graded.reason}`,
          },
        ],
        sources: [{ at, channel: source, via: ctx.via, detail: ctx.detail, raw: rawOf(input) }],
        createdDate: shanghaiDate(at),
        importId: ctx.importId,
        phoneLast4: input.phone?.slice(-4),
        wonDate: undefined,
        lostDate: undefined,
      });
    } catch (err) {
      await leads.releaseKeys(id, keys);
      throw err;
    }
    if (ctx.assignTo && ctx.assignTo.active) {
      lead = await assignTo(
        lead,
        ctx.assignTo,
        {
          ruleId: undefined,
          ruleName: undefined,
          reason: `由${viaLabel(ctx.via)}直接分配给 ${ctx.assignTo.name}`,
        },
        actorId,
      );
    } else {
      lead = await applyDecision(lead, await deps.assignment.decide(lead), actorId);
    }
    if (ctx.actor) await deps.audit.record(ctx.actor, 'create', 'lead', lead.id, []);
    return {
      outcome: 'created',
      lead,
      message: `已新建 ${lead.grade} 类线索${lead.name ? `「${lead.name}」` : ''}`,
    };
  }

  async function move(
    actor: Actor,
    lead: LeadRecord,
    stage: LeadStage,
    extra: Partial<LeadWrite>,
    note?: string,
  ) {
    const at = now();
    const updated = await leads.update(
      lead.id,
      {
        ...extra,
        stage,
        stageEnteredAt: at,
        stageDueAt: stageDue(settings, stage, at),
        reachedStages: [...new Set([...lead.reachedStages, stage])],
      },
      {
        history: [{ at, actorId: actor.principal.userId, kind: 'stage', from: lead.stage, to: stage, note }],
      },
      [],
      // Guard on the stage read: two racing moves cannot both apply from the same state.
      { stage: lead.stage },
    );
    if (!updated) throw stageInvalid(lead.stage, stage);
    await deps.audit.record(actor, 'update', 'lead', lead.id, [
      { field: 'stage', before: lead.stage, after: stage },
    ]);
    return updated;
  }

  const stageInvalid = (from: LeadStage, to: LeadStage) =>
    new AppError('LEAD_STAGE_INVALID', `lead cannot move ${from} → ${to}`, {
      userMessage: `线索当前处于「${STAGE_LABELS[from]}」，不能变更为「${STAGE_LABELS[to]}」`,
    });

  /** 成交: the lead becomes a customer (or is linked to the one already holding its phone), history kept. */
  async function convert(actor: Actor, lead: LeadRecord): Promise<string> {
    if (lead.customerId) return lead.customerId;
    const existing = await matchCustomer(lead);
    if (existing) return existing.customerId;
    if (!lead.name) {
      throw new AppError('LEAD_STAGE_INVALID', 'won lead without a name', {
        userMessage: '成交前请先补充客户姓名',
        details: [{ path: 'name', message: '请填写客户姓名' }],
      });
    }
    const ownerId = lead.assigneeId ?? actor.principal.userId;
    const referrer = lead.referrerCustomerId
      ? await deps.customers.findById(actor.principal.scope, lead.referrerCustomerId)
      : undefined;
    const created = await deps.customerService.create(actor, {
      name: lead.name,
      ...(lead.phone ? { phones: [{ number: lead.phone, label: 'mobile' as const }] } : {}),
      ...(lead.region ? { region: lead.region } : {}),
      identities: {
        ...(lead.unionid ? { unionid: lead.unionid } : {}),
        ...(lead.externalUserId ? { externalUserId: lead.externalUserId } : {}),
      },
      sourceChannel: lead.source,
      ...(referrer ? { referrerId: referrer.id } : {}),
      tags: lead.productInterest.slice(0, 10),
      softInfo: { notes: lead.note ?? '', tags: [] },
      ownerId,
    });
    // The lead's calls and visits become the customer's interactions: the history moves along.
    const owner = await deps.customers.findById(SYSTEM_SCOPE, created.id);
    if (owner) {
      for (const h of lead.history) {
        if (h.kind !== 'activity' || !h.activityType) continue;
        await deps.interactions.insert(
          {
            id: deps.interactions.newId(),
            customerId: created.id,
            agentId: h.actorId && Types.ObjectId.isValid(h.actorId) ? h.actorId : ownerId,
            type: h.activityType,
            occurredAt: h.at,
            summary: `【线索跟进】${h.note ?? ''}`,
            tags: [],
            nextFollowUpDate: undefined,
            followUpTaskId: undefined,
          },
          owner.ownership,
        );
      }
    }
    return created.id;
  }

  return {
    get: async (principal: Principal, id: string) => leadView(await get(principal, id), now()),
    intake,

    /** POST /leads: an agent's own lead (assigned to them); managers may pick an assignee or run the rules. */
    async create(actor: Actor, input: CreateLeadInput): Promise<IntakeOutcome> {
      const { assigneeId, ...rest } = input;
      let assignTo: UserRecord | undefined;
      if (actor.principal.role === 'agent') {
        assignTo = await deps.users.findUserById(actor.principal.userId);
      } else if (assigneeId) {
        assignTo = await assignableIn(actor.principal, assigneeId);
      }
      return intake({ source: '其他', ...rest }, { via: 'manual', actor, assignTo });
    },

    async list(principal: Principal, q: ListLeadsQuery & { pool?: boolean }) {
      const f: LeadListFilter = {
        stage: q.stage,
        grade: q.grade,
        source: q.source,
        inPool: q.pool,
        overdueAt: q.overdue === 'true' ? now() : undefined,
      };
      const page = await leads.list(principal.scope, f, {
        skip: (q.page - 1) * q.pageSize,
        limit: q.pageSize,
      });
      const t = now();
      return {
        items: page.items.map((l) => {
          const v = leadView(l, t);
          // The pool shows who might be worth claiming, not their full contact data.
          return q.pool ? { ...v, phone: l.phone ? maskPhone(l.phone) : null, history: [], sources: [] } : v;
        }),
        total: page.total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    async moveStage(actor: Actor, id: string, input: MoveStageInput) {
      const lead = await get(actor.principal, id);
      const to = input.stage;
      if (lead.inPool || !OPEN_STAGES.includes(lead.stage) || STAGE_ORDER[to] <= STAGE_ORDER[lead.stage]) {
        throw stageInvalid(lead.stage, to);
      }
      if (to === 'lost') {
        if (!input.lossReason) {
          throw new AppError('LEAD_LOSS_REASON_REQUIRED', 'loss reason missing', {
            userMessage: '标记流失时必须填写流失原因',
            details: [{ path: 'lossReason', message: '请填写流失原因' }],
          });
        }
        const at = now();
        return leadView(
          await move(
            actor,
            lead,
            'lost',
            { lossReason: input.lossReason, lostAt: at, lostDate: shanghaiDate(at) },
            input.note,
          ),
          now(),
        );
      }
      if (to === 'won') {
        const customerId = await convert(actor, lead);
        const at = now();
        const moved = await move(
          actor,
          lead,
          'won',
          { wonAt: at, customerId, wonDate: shanghaiDate(at) },
          input.note,
        );
        const done = await leads.update(
          moved.id,
          {},
          { history: [{ at, actorId: actor.principal.userId, kind: 'converted', to: customerId }] },
        );
        return leadView(done ?? moved, now());
      }
      const extra: Partial<LeadWrite> = lead.contactedAt ? {} : { contactedAt: now() };
      return leadView(await move(actor, lead, to, extra, input.note), now());
    },

    /** A call, visit or message logged on the lead; the first one moves 已分配 → 已联系. */
    async logActivity(actor: Actor, id: string, input: ActivityInput) {
      const lead = await get(actor.principal, id);
      if (lead.inPool)
        throw new AppError('LEAD_STAGE_INVALID', 'activity on a pool lead', {
          userMessage: '请先从公海领取该线索',
        });
      const at = now();
      let updated = await leads.update(lead.id, lead.contactedAt ? {} : { contactedAt: at }, {
        history: [
          {
            at,
            actorId: actor.principal.userId,
            kind: 'activity',
            activityType: input.type,
            note: input.summary,
          },
        ],
      });
      if (updated && (updated.stage === 'assigned' || updated.stage === 'new')) {
        updated = await move(actor, updated, 'contacted', {}, '首次联系');
      }
      return leadView(updated ?? lead, now());
    },

    async reassign(actor: Actor, id: string, assigneeId: string) {
      requireRole(actor.principal, 'team_lead', 'branch_manager', 'admin');
      const lead = await get(actor.principal, id);
      const user = await assignableIn(actor.principal, assigneeId);
      const updated = await assignTo(
        lead,
        user,
        { ruleId: undefined, ruleName: undefined, reason: `由管理者手动分配给 ${user.name}` },
        actor.principal.userId,
      );
      await deps.audit.record(actor, 'update', 'lead', id, [
        { field: 'assigneeId', before: lead.assigneeId ?? null, after: user.id },
      ]);
      return leadView(updated, now());
    },

    /**
     * Handover (交接) of an agent's book: their open leads (not in the pool, not won/lost) go to the
     * receiving agent, each with the reason in its assignment and history, and an audit entry. The
     * caller (the handover service) has checked both agents and the caller's rights. Bounded batches;
     * a lead someone else moved meanwhile is left where it is. Returns how many moved.
     */
    async handoverOpenLeads(
      actor: Actor,
      from: UserRecord,
      to: UserRecord,
      opts: { note?: string | undefined; batchSize?: number } = {},
    ): Promise<number> {
      const batchSize = opts.batchSize ?? 200;
      const reason = `交接：${from.name} 的在跟线索转给 ${to.name}${opts.note ? `（${opts.note}）` : ''}`;
      let moved = 0;
      let after: string | undefined;
      for (;;) {
        const batch = await leads.openAssignedTo(from.id, after, batchSize);
        if (batch.length === 0) break;
        const done: string[] = [];
        for (const lead of batch) {
          const updated = await assignIf(
            lead,
            to,
            { ruleId: undefined, ruleName: undefined, reason },
            actor.principal.userId,
            [],
            { assigneeId: new Types.ObjectId(from.id), inPool: false, stage: lead.stage },
          );
          if (updated) done.push(lead.id);
        }
        await deps.audit.recordMany(
          done.map((id) =>
            deps.audit.entry(
              actor,
              'handover',
              'lead',
              id,
              [{ field: 'assigneeId', before: from.id, after: to.id }],
              opts.note,
            ),
          ),
        );
        moved += done.length;
        after = batch[batch.length - 1]?.id;
        if (batch.length < batchSize) break;
      }
      return moved;
    },

    /** Claims a pool lead: one claimer per pool entry, at most `poolClaimsPerDay` per agent per day. */
    async claim(actor: Actor, id: string) {
      const lead = await leads.findById(SYSTEM_SCOPE, id);
      if (!lead || lead.mergedInto) throw leadNotFound();
      if (!lead.inPool)
        throw new AppError('LEAD_NOT_IN_POOL', 'lead not in pool', {
          userMessage: '该线索不在公海中（可能已被领取）',
        });
      const user = await deps.users.findUserById(actor.principal.userId);
      if (!user || !user.active || user.role !== 'agent') {
        throw new AppError('FORBIDDEN', 'only active agents claim', {
          userMessage: '只有在职业务员可以领取公海线索',
        });
      }
      const day = shanghaiDate(now());
      const { LeadPoolClaimSlot, LeadPoolClaim } = deps.models;
      let slot: number | undefined;
      for (let n = 1; n <= settings.poolClaimsPerDay && slot === undefined; n++) {
        try {
          await LeadPoolClaimSlot.create({ userId: user.id, day, n, leadId: id, at: now() });
          slot = n;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      if (slot === undefined) {
        throw new AppError('LEAD_POOL_CLAIM_LIMIT', 'daily pool claim limit reached', {
          userMessage: `今日领取公海线索已达上限（${settings.poolClaimsPerDay} 条），请明天再来`,
        });
      }
      try {
        await LeadPoolClaim.create({ leadId: id, epoch: lead.poolEpoch, userId: user.id, at: now() });
      } catch (err) {
        await LeadPoolClaimSlot.deleteOne({ userId: user.id, day, n: slot });
        if (isDuplicateKeyError(err)) {
          throw new AppError('LEAD_NOT_IN_POOL', 'lost the claim race', {
            userMessage: '该线索已被其他同事领取',
          });
        }
        throw err;
      }
      const at = now();
      const updated = await assignTo(
        lead,
        user,
        { ruleId: undefined, ruleName: undefined, reason: `${user.name} 从公海领取` },
        user.id,
        [
          {
            at,
            actorId: user.id,
            kind: 'claimed',
            note: `第 ${slot} 条（今日上限 ${settings.poolClaimsPerDay}）`,
          },
        ],
      );
      // A claimed lead is worked fresh: its first-contact clock restarts from the claim.
      const fresh = await leads.update(updated.id, {
        firstContactDueAt:
          firstContactDue(settings, lead.grade, at) ??
          new Date(at.getTime() + settings.firstContactDays.B * 86_400_000),
      });
      await deps.audit.record(actor, 'update', 'lead', id, [
        { field: 'assigneeId', before: null, after: user.id },
      ]);
      return leadView(fresh ?? updated, now());
    },

    /**
     * Returns unworked leads past their first-contact SLA to the public pool (the `leads.sla` job calls
     * this). Bounded batches; a lead contacted meanwhile is skipped by the stage guard.
     */
    async returnOverdueToPool(
      at: Date = now(),
      max = 5000,
    ): Promise<{ returned: number; leadIds: string[] }> {
      const ids: string[] = [];
      while (ids.length < max) {
        const batch = await leads.overdueFirstContact(at, Math.min(200, max - ids.length));
        if (batch.length === 0) break;
        for (const l of batch) {
          const done = await leads.update(
            l.id,
            {
              inPool: true,
              poolEpoch: l.poolEpoch + 1,
              stage: 'new',
              stageEnteredAt: at,
              stageDueAt: undefined,
            },
            {
              history: [
                {
                  at,
                  actorId: systemActorId,
                  kind: 'pool',
                  from: l.assigneeId,
                  note: `超过首次联系时限（${l.grade} 类）未跟进，退回公海`,
                },
              ],
            },
            ['assigneeId', 'teamId', 'branchId', 'firstContactDueAt'],
            { stage: 'assigned', inPool: false },
          );
          if (done) ids.push(l.id);
        }
        if (batch.length < 200) break;
      }
      return { returned: ids.length, leadIds: ids };
    },

    /** Merges `otherId` into `survivorId` (both in the caller's scope); recorded and reversible. */
    async merge(actor: Actor, survivorId: string, otherId: string) {
      if (survivorId === otherId) throw mergeInvalid('不能把线索与自身合并');
      const [survivor, other] = [await get(actor.principal, survivorId), await get(actor.principal, otherId)];
      if (survivor.mergedInto || other.mergedInto) throw mergeInvalid('线索已被合并');
      if (other.stage === 'won' && other.customerId) throw mergeInvalid('已成交的线索不能被合并到其他线索');
      const at = now();
      const mergeId = new Types.ObjectId().toString();
      const [survivorBefore, absorbedBefore] = [
        await leads.rawById(survivor.id),
        await leads.rawById(other.id),
      ];
      const otherKeys = await leads.keysOf(other.id);
      await deps.models.LeadMerge.create({
        _id: new Types.ObjectId(mergeId),
        survivorId: new Types.ObjectId(survivor.id),
        absorbedId: new Types.ObjectId(other.id),
        kind: 'leads',
        survivorBefore,
        absorbedBefore,
        movedKeys: otherKeys,
        matchedOn: [],
        actorId: actor.principal.userId,
        at,
      });
      await leads.moveKeys(otherKeys, survivor.id);
      const fill = fillFrom(survivor, other);
      const merged = await leads.update(survivor.id, fill, {
        history: [
          ...other.history.map((h) => ({ ...h, fromLeadId: h.fromLeadId ?? other.id, mergeId })),
          {
            at,
            actorId: actor.principal.userId,
            kind: 'merged',
            from: other.id,
            note: `合并线索${other.name ? `「${other.name}」` : ''}`,
            mergeId,
          },
        ],
        sources: other.sources.map((s) => ({ ...s, fromLeadId: s.fromLeadId ?? other.id, mergeId })),
      });
      await leads.update(
        other.id,
        { mergedInto: survivor.id },
        { history: [{ at, actorId: actor.principal.userId, kind: 'merged', to: survivor.id, mergeId }] },
      );
      await deps.audit.record(actor, 'update', 'lead', survivor.id, [
        { field: 'mergedFrom', before: null, after: other.id },
      ]);
      return { mergeId, lead: leadView(merged ?? survivor, now()) };
    },

    /** Admin: undoes a merge. Work done on the survivor since stays; what the merge brought in goes back. */
    async undoMerge(actor: Actor, mergeId: string) {
      requireRole(actor.principal, 'admin');
      const { LeadMerge } = deps.models;
      const m = Types.ObjectId.isValid(mergeId) ? await LeadMerge.findById(mergeId).lean() : null;
      if (!m) throw notFound('lead merge', '合并记录不存在');
      if (m.undoneAt)
        throw new AppError('LEAD_MERGE_NOT_REVERSIBLE', 'merge already undone', {
          userMessage: '该合并已撤销',
        });
      const at = now();
      const survivorId = m.survivorId.toString();
      const before = (m.survivorBefore ?? {}) as Record<string, unknown>;
      const restore: Record<string, unknown> = {};
      const unset: string[] = [];
      for (const f of MERGE_FIELDS) {
        if (before[f] === undefined) unset.push(f);
        else restore[f] = before[f];
      }
      const { Lead } = deps.models;
      // Filtered in code and written back ($pull by a sub-document condition is not portable to FerretDB).
      const current = await leads.findById(SYSTEM_SCOPE, survivorId);
      if (current) {
        restore.history = current.history.filter((h) => h.mergeId !== mergeId);
        restore.sources = current.sources.filter((x) => x.mergeId !== mergeId);
      }
      await Lead.updateOne(
        { _id: m.survivorId },
        { $set: restore, ...(unset.length ? { $unset: Object.fromEntries(unset.map((f) => [f, ''])) } : {}) },
      );
      await Lead.updateOne(
        { _id: m.survivorId },
        {
          $push: {
            history: { at, actorId: actor.principal.userId, kind: 'unmerged', note: '管理员撤销合并' },
          },
        },
      );
      let splitLeadId: string;
      if (m.kind === 'leads' && m.absorbedId && m.absorbedBefore) {
        splitLeadId = m.absorbedId.toString();
        await leads.replace(splitLeadId, m.absorbedBefore as Record<string, unknown>);
        await Lead.updateOne(
          { _id: m.absorbedId },
          {
            $push: {
              history: {
                at,
                actorId: actor.principal.userId,
                kind: 'unmerged',
                from: survivorId,
                note: '管理员撤销合并',
              },
            },
          },
        );
        await leads.moveKeys(m.movedKeys, splitLeadId);
      } else {
        // An intake merged on arrival: it becomes the lead of its own it would have been, unassigned.
        const intakeData = (m.intake ?? {}) as { input?: IntakeInput; via?: IntakeVia; detail?: string };
        const input = intakeData.input ?? {};
        await leads.releaseKeys(survivorId, m.movedKeys);
        const split = await intake(
          {
            ...input,
            phone: m.movedKeys.some((k) => k.startsWith('phone:')) ? input.phone : undefined,
            unionid: m.movedKeys.some((k) => k.startsWith('unionid:')) ? input.unionid : undefined,
            externalUserId: m.movedKeys.some((k) => k.startsWith('ext:')) ? input.externalUserId : undefined,
            wechatId: input.wechatId ?? (m.movedKeys.length ? undefined : '（撤销合并拆分）'),
          },
          { via: intakeData.via ?? 'manual', detail: intakeData.detail, actor },
        );
        splitLeadId = split.outcome === 'existing_customer' ? split.customerId : split.lead.id;
      }
      await LeadMerge.updateOne(
        { _id: m._id },
        { $set: { undoneAt: at, undoneBy: actor.principal.userId, splitLeadId } },
      );
      await deps.audit.record(actor, 'update', 'lead', survivorId, [
        { field: 'mergeUndone', before: mergeId, after: splitLeadId },
      ]);
      return { mergeId, survivorId, restoredLeadId: splitLeadId };
    },

    /** Merge history: of one lead (in scope), or all of them for an admin. */
    async merges(principal: Principal, leadId?: string) {
      const { LeadMerge } = deps.models;
      let q: Record<string, unknown> = {};
      if (leadId) {
        await get(principal, leadId);
        const oid = new Types.ObjectId(leadId);
        q = { $or: [{ survivorId: oid }, { absorbedId: oid }] };
      } else requireRole(principal, 'admin');
      const docs = await LeadMerge.find(q).sort({ at: -1 }).limit(200).lean();
      return {
        items: docs.map((d) => ({
          id: d._id.toString(),
          kind: d.kind,
          survivorId: d.survivorId.toString(),
          absorbedId: d.absorbedId?.toString() ?? null,
          intakeSource: (d.intake as { input?: { source?: string } } | undefined)?.input?.source ?? null,
          matchedOn: d.matchedOn,
          movedKeys: d.movedKeys.map((k) =>
            k.startsWith('phone:')
              ? `phone:${maskPhone(k.slice(6))}`
              : k.replace(/^(\w+:).*(.{4})$/, '$1…$2'),
          ),
          actorId: d.actorId ?? null,
          at: d.at.toISOString(),
          undoneAt: d.undoneAt?.toISOString() ?? null,
          undoneBy: d.undoneBy ?? null,
          splitLeadId: d.splitLeadId ?? null,
        })),
      };
    },
  };

  async function assignableIn(principal: Principal, userId: string): Promise<UserRecord> {
    const u = await deps.users.findUserById(userId);
    const bad = (msg: string) =>
      new AppError('LEAD_ASSIGNEE_INVALID', 'assignee invalid', {
        userMessage: msg,
        details: [{ path: 'assigneeId', message: msg }],
      });
    if (!u || !u.active || u.role !== 'agent') throw bad('只能分配给在职的业务员');
    const s = principal.scope;
    const ok =
      s.level === 'all' ||
      (s.level === 'team' && u.teamId === s.teamId) ||
      (s.level === 'branch' && u.branchId === s.branchId) ||
      (s.level === 'own' && u.id === s.userId);
    if (!ok) throw bad('只能分配给您管辖范围内的业务员');
    return u;
  }

  function mergeInvalid(msg: string) {
    return new AppError('LEAD_MERGE_INVALID', 'merge refused', { userMessage: msg });
  }
}

function viaLabel(via: IntakeVia): string {
  return {
    api: '接口',
    manual: '手工录入',
    miniprogram: '小程序表单',
    wecom: '企业微信添加好友',
    bot: '机器人',
    import: '导入',
  }[via];
}

/** The raw contact data as received, minus nothing: the phone is already normalized by the schema. */
function rawOf(input: IntakeInput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

export type LeadService = ReturnType<typeof createLeadService>;
