import { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import { isDuplicateKeyError } from '../db/errors.js';
import type { LeadModels } from './lead.model.js';
import type { ActivityType, LeadGrade, LeadIntent, LeadSource, LeadStage, LeadType } from './lead.options.js';

export interface LeadHistoryEntry {
  at: Date;
  actorId?: string | undefined;
  kind:
    | 'created'
    | 'intake'
    | 'assigned'
    | 'stage'
    | 'activity'
    | 'pool'
    | 'claimed'
    | 'merged'
    | 'unmerged'
    | 'converted';
  activityType?: ActivityType | undefined;
  from?: string | undefined;
  to?: string | undefined;
  note?: string | undefined;
  fromLeadId?: string | undefined;
  mergeId?: string | undefined;
}

export interface LeadSourceEntry {
  at: Date;
  channel: string;
  via: string;
  detail?: string | undefined;
  raw?: Record<string, unknown> | undefined;
  fromLeadId?: string | undefined;
  mergeId?: string | undefined;
}

export interface LeadRecord {
  id: string;
  name: string | undefined;
  phone: string | undefined;
  phoneLast4: string | undefined;
  wechatId: string | undefined;
  unionid: string | undefined;
  externalUserId: string | undefined;
  source: LeadSource;
  sourceDetail: string | undefined;
  intent: LeadIntent;
  type: LeadType;
  grade: LeadGrade;
  region: string | undefined;
  productInterest: string[];
  note: string | undefined;
  referrerName: string | undefined;
  referrerCustomerId: string | undefined;
  stage: LeadStage;
  reachedStages: LeadStage[];
  stageEnteredAt: Date;
  stageDueAt: Date | undefined;
  lossReason: string | undefined;
  assigneeId: string | undefined;
  teamId: string | undefined;
  branchId: string | undefined;
  assignedAt: Date | undefined;
  assignment:
    { ruleId: string | undefined; ruleName: string | undefined; reason: string | undefined } | undefined;
  firstContactDueAt: Date | undefined;
  contactedAt: Date | undefined;
  inPool: boolean;
  poolEpoch: number;
  wonAt: Date | undefined;
  lostAt: Date | undefined;
  customerId: string | undefined;
  mergedInto: string | undefined;
  history: LeadHistoryEntry[];
  sources: LeadSourceEntry[];
  createdDate: string;
  wonDate: string | undefined;
  lostDate: string | undefined;
  importId: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a write sets (ids as strings; the repository converts). */
export type LeadWrite = Omit<LeadRecord, 'id' | 'createdAt' | 'updatedAt'>;

type Opt<T> = T | null | undefined;
const str = (v: Opt<Types.ObjectId | string>) => (v == null ? undefined : v.toString());
const und = <T>(v: Opt<T>): T | undefined => (v == null ? undefined : v);

interface LeadLean {
  _id: Types.ObjectId;
  [k: string]: unknown;
}

/** Plain record from a lean document. */
export function toLead(d: LeadLean): LeadRecord {
  const g = <T>(k: string) => d[k] as Opt<T>;
  const assignment = g<{ ruleId?: Opt<string>; ruleName?: Opt<string>; reason?: Opt<string> }>('assignment');
  return {
    id: d._id.toString(),
    name: und(g<string>('name')),
    phone: und(g<string>('phone')),
    phoneLast4: und(g<string>('phoneLast4')),
    wechatId: und(g<string>('wechatId')),
    unionid: und(g<string>('unionid')),
    externalUserId: und(g<string>('externalUserId')),
    source: g<LeadSource>('source') as LeadSource,
    sourceDetail: und(g<string>('sourceDetail')),
    intent: g<LeadIntent>('intent') as LeadIntent,
    type: g<LeadType>('type') as LeadType,
    grade: g<LeadGrade>('grade') as LeadGrade,
    region: und(g<string>('region')),
    productInterest: g<string[]>('productInterest') ?? [],
    note: und(g<string>('note')),
    referrerName: und(g<string>('referrerName')),
    referrerCustomerId: str(g<Types.ObjectId>('referrerCustomerId')),
    stage: g<LeadStage>('stage') as LeadStage,
    reachedStages: g<LeadStage[]>('reachedStages') ?? [],
    stageEnteredAt: g<Date>('stageEnteredAt') as Date,
    stageDueAt: und(g<Date>('stageDueAt')),
    lossReason: und(g<string>('lossReason')),
    assigneeId: str(g<Types.ObjectId>('assigneeId')),
    teamId: str(g<Types.ObjectId>('teamId')),
    branchId: str(g<Types.ObjectId>('branchId')),
    assignedAt: und(g<Date>('assignedAt')),
    assignment:
      assignment && (assignment.ruleId || assignment.reason)
        ? {
            ruleId: und(assignment.ruleId),
            ruleName: und(assignment.ruleName),
            reason: und(assignment.reason),
          }
        : undefined,
    firstContactDueAt: und(g<Date>('firstContactDueAt')),
    contactedAt: und(g<Date>('contactedAt')),
    inPool: Boolean(g<boolean>('inPool')),
    poolEpoch: g<number>('poolEpoch') ?? 0,
    wonAt: und(g<Date>('wonAt')),
    lostAt: und(g<Date>('lostAt')),
    customerId: str(g<Types.ObjectId>('customerId')),
    mergedInto: str(g<Types.ObjectId>('mergedInto')),
    history: (g<LeadHistoryEntry[]>('history') ?? []).map((h) => stripNulls(h)),
    sources: (g<LeadSourceEntry[]>('sources') ?? []).map((s) => stripNulls(s)),
    createdDate: g<string>('createdDate') as string,
    wonDate: und(g<string>('wonDate')),
    lostDate: und(g<string>('lostDate')),
    importId: und(g<string>('importId')),
    createdAt: g<Date>('createdAt') as Date,
    updatedAt: g<Date>('updatedAt') as Date,
  };
}

function stripNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

const oid = (id: string) => new Types.ObjectId(id);
const oidOpt = (id: string | undefined) => (id ? oid(id) : undefined);

/** The document form of a write: string ids → ObjectIds, undefined left out by mongoose. */
export function leadDoc(w: Partial<LeadWrite>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...w };
  for (const k of [
    'referrerCustomerId',
    'assigneeId',
    'teamId',
    'branchId',
    'customerId',
    'mergedInto',
  ] as const) {
    if (k in w) out[k] = oidOpt(w[k]);
  }
  return out;
}

/** The MongoDB filter of a scope over leads: the assignee's placement, copied onto the lead. */
export function leadScopeFilter(scope: DataScope): Record<string, unknown> {
  switch (scope.level) {
    case 'own':
      return { assigneeId: oid(scope.userId) };
    case 'team':
      return { teamId: oid(scope.teamId) };
    case 'branch':
      return { branchId: oid(scope.branchId) };
    case 'all':
      return {};
    default: {
      const unhandled: never = scope;
      throw new Error(`unhandled scope ${JSON.stringify(unhandled)}`);
    }
  }
}

export interface LeadListFilter {
  stage?: LeadStage | undefined;
  grade?: LeadGrade | undefined;
  source?: string | undefined;
  inPool?: boolean | undefined;
  overdueAt?: Date | undefined;
  assigneeId?: string | undefined;
}

/** Data access for leads and their dedupe keys. Reads of agent-visible leads take the caller's scope. */
export function createLeadRepository(models: LeadModels) {
  const { Lead, LeadKey } = models;
  const listQuery = (scope: DataScope, f: LeadListFilter) => {
    const q: Record<string, unknown> = f.inPool ? { inPool: true } : { ...leadScopeFilter(scope) };
    q.mergedInto = { $exists: false };
    if (f.stage) q.stage = f.stage;
    if (f.grade) q.grade = f.grade;
    if (f.source) q.source = f.source;
    if (f.assigneeId) q.assigneeId = oid(f.assigneeId);
    if (f.overdueAt) {
      q.$or = [
        { stage: 'assigned', firstContactDueAt: { $lt: f.overdueAt } },
        { stage: { $in: ['contacted', 'needs_analysis', 'proposal'] }, stageDueAt: { $lt: f.overdueAt } },
      ];
    }
    return q;
  };
  return {
    newId: () => new Types.ObjectId().toString(),

    async insert(id: string, w: LeadWrite): Promise<LeadRecord> {
      const doc = await Lead.create({ _id: oid(id), ...leadDoc(w) });
      return toLead(doc.toObject() as LeadLean);
    },

    async findById(scope: DataScope, id: string): Promise<LeadRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Lead.findOne({ _id: oid(id), ...leadScopeFilter(scope) }).lean<LeadLean>();
      return d ? toLead(d) : undefined;
    },

    async findByIds(ids: string[]): Promise<LeadRecord[]> {
      const docs = await Lead.find({ _id: { $in: ids.map(oid) } }).lean<LeadLean[]>();
      return docs.map(toLead);
    },

    async list(
      scope: DataScope,
      f: LeadListFilter,
      page: { skip: number; limit: number },
    ): Promise<{ items: LeadRecord[]; total: number }> {
      const q = listQuery(scope, f);
      const [docs, total] = await Promise.all([
        Lead.find(q).sort({ updatedAt: -1, _id: -1 }).skip(page.skip).limit(page.limit).lean<LeadLean[]>(),
        Lead.countDocuments(q),
      ]);
      return { items: docs.map(toLead), total };
    },

    /** Every lead in scope in `_id` batches (exports, reports): bounded memory however many there are. */
    async *iterate(scope: DataScope, f: LeadListFilter, batch = 500): AsyncGenerator<LeadRecord[]> {
      const q = listQuery(scope, f);
      let after: Types.ObjectId | undefined;
      for (;;) {
        const docs = await Lead.find(after ? { ...q, _id: { $gt: after } } : q)
          .sort({ _id: 1 })
          .limit(batch)
          .lean<LeadLean[]>();
        if (docs.length === 0) return;
        yield docs.map(toLead);
        after = docs[docs.length - 1]?._id;
        if (docs.length < batch) return;
      }
    },

    /** Sets fields and appends history entries; returns the new state. */
    async update(
      id: string,
      set: Partial<LeadWrite>,
      push: { history?: LeadHistoryEntry[]; sources?: LeadSourceEntry[] } = {},
      unset: (keyof LeadWrite)[] = [],
      guard: Record<string, unknown> = {},
    ): Promise<LeadRecord | undefined> {
      const update: Record<string, unknown> = {};
      const s = Object.fromEntries(Object.entries(leadDoc(set)).filter(([, v]) => v !== undefined));
      if (Object.keys(s).length) update.$set = s;
      const p: Record<string, unknown> = {};
      if (push.history?.length) p.history = { $each: push.history };
      if (push.sources?.length) p.sources = { $each: push.sources };
      if (Object.keys(p).length) update.$push = p;
      if (unset.length) update.$unset = Object.fromEntries(unset.map((k) => [k, '']));
      const d = await Lead.findOneAndUpdate({ _id: oid(id), ...guard }, update, {
        returnDocument: 'after',
      }).lean<LeadLean>();
      return d ? toLead(d) : undefined;
    },

    /** Replaces a lead document wholesale (undoing a merge restores the stored snapshot). */
    async replace(id: string, snapshot: Record<string, unknown>): Promise<void> {
      await Lead.replaceOne({ _id: oid(id) }, { ...snapshot, _id: oid(id) });
    },

    async rawById(id: string): Promise<Record<string, unknown> | undefined> {
      const d = await Lead.findById(id).lean<Record<string, unknown>>();
      return d ?? undefined;
    },

    /** Claims dedupe keys for a lead; returns the keys another lead already holds (key → lead id). */
    async claimKeys(leadId: string, keys: string[]): Promise<Map<string, string>> {
      const taken = new Map<string, string>();
      for (const key of keys) {
        try {
          await LeadKey.create({ key, leadId: oid(leadId) });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          const owner = await LeadKey.findOne({ key }).lean();
          if (owner && owner.leadId.toString() !== leadId) taken.set(key, owner.leadId.toString());
        }
      }
      return taken;
    },

    async keyOwners(keys: string[]): Promise<Map<string, string>> {
      if (keys.length === 0) return new Map();
      const docs = await LeadKey.find({ key: { $in: keys } }).lean();
      return new Map(docs.map((d) => [d.key, d.leadId.toString()]));
    },

    async keysOf(leadId: string): Promise<string[]> {
      return (await LeadKey.find({ leadId: oid(leadId) }).lean()).map((d) => d.key);
    },

    async moveKeys(keys: string[], toLeadId: string): Promise<void> {
      if (keys.length) await LeadKey.updateMany({ key: { $in: keys } }, { $set: { leadId: oid(toLeadId) } });
    },

    async releaseKeys(leadId: string, keys: string[]): Promise<void> {
      if (keys.length) await LeadKey.deleteMany({ leadId: oid(leadId), key: { $in: keys } });
    },

    async removeJustInserted(id: string): Promise<void> {
      await Lead.deleteOne({ _id: oid(id) });
      await LeadKey.deleteMany({ leadId: oid(id) });
    },

    /** Open leads per assignee (workload), for the given agents. */
    async openCounts(userIds: string[]): Promise<Map<string, number>> {
      if (userIds.length === 0) return new Map();
      const rows = await Lead.aggregate<{ _id: Types.ObjectId; n: number }>([
        {
          $match: {
            assigneeId: { $in: userIds.map(oid) },
            stage: { $in: ['assigned', 'contacted', 'needs_analysis', 'proposal'] },
            inPool: false,
          },
        },
        { $group: { _id: '$assigneeId', n: { $sum: 1 } } },
      ]);
      return new Map(rows.map((r) => [r._id.toString(), r.n]));
    },

    /** Up to `limit` open, unpooled leads assigned to `userId` after `afterId` (handover batches). */
    async openAssignedTo(userId: string, afterId: string | undefined, limit: number): Promise<LeadRecord[]> {
      const docs = await Lead.find({
        assigneeId: oid(userId),
        stage: { $in: ['new', 'assigned', 'contacted', 'needs_analysis', 'proposal'] },
        inPool: false,
        mergedInto: { $exists: false },
        ...(afterId ? { _id: { $gt: oid(afterId) } } : {}),
      })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<LeadLean[]>();
      return docs.map(toLead);
    },

    /** Assigned, never-contacted leads whose first-contact SLA passed before `now`. */
    async overdueFirstContact(now: Date, limit: number): Promise<LeadRecord[]> {
      const docs = await Lead.find({ stage: 'assigned', inPool: false, firstContactDueAt: { $lt: now } })
        .sort({ firstContactDueAt: 1 })
        .limit(limit)
        .lean<LeadLean[]>();
      return docs.map(toLead);
    },

    async overdueStages(now: Date, limit: number): Promise<LeadRecord[]> {
      const docs = await Lead.find({
        stage: { $in: ['contacted', 'needs_analysis', 'proposal'] },
        stageDueAt: { $lt: now },
      })
        .sort({ stageDueAt: 1 })
        .limit(limit)
        .lean<LeadLean[]>();
      return docs.map(toLead);
    },
  };
}
export type LeadRepository = ReturnType<typeof createLeadRepository>;
