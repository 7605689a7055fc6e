import { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import { isDuplicateKeyError } from '../db/errors.js';
import type { Severity } from './matcher.js';
import type {
  ALERT_KINDS,
  ComplianceModels,
  HIT_ACTIONS,
  HIT_SOURCES,
  HIT_STATUSES,
} from './compliance.model.js';

export type HitSource = (typeof HIT_SOURCES)[number];
export type HitAction = (typeof HIT_ACTIONS)[number];
export type HitStatus = (typeof HIT_STATUSES)[number];
export type AlertKind = (typeof ALERT_KINDS)[number];

/** A lexicon rule as the rest of the code sees it. */
export interface RuleRecord {
  id: string;
  category: string;
  pattern: string;
  severity: Severity;
  alternative: string;
  negatable: boolean;
  active: boolean;
  note: string | undefined;
  source: 'default' | 'custom';
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface HitRecord {
  id: string;
  source: HitSource;
  sourceRef: string;
  channel: string | undefined;
  action: HitAction;
  text: string;
  context: string;
  matchedText: string;
  ruleId: string;
  category: string;
  pattern: string;
  severity: Severity;
  alternative: string;
  lexiconVersion: number;
  agentId: string | undefined;
  teamId: string | undefined;
  branchId: string | undefined;
  customerId: string | undefined;
  agentWecomUserId: string | undefined;
  externalUserId: string | undefined;
  occurredAt: Date;
  status: HitStatus;
  reviewedBy: string | undefined;
  reviewedAt: Date | undefined;
  reviewNote: string | undefined;
  createdAt: Date;
}
export type HitWrite = Omit<
  HitRecord,
  'id' | 'status' | 'reviewedBy' | 'reviewedAt' | 'reviewNote' | 'createdAt'
> & { dedupeKey: string };

export interface AlertRecord {
  id: string;
  kind: AlertKind;
  severity: Severity | 'info';
  title: string;
  body: string;
  hitIds: string[];
  status: 'pending' | 'delivered';
  createdAt: Date;
}

export interface LexiconChangeRecord {
  version: number;
  action: 'seed' | 'create' | 'update' | 'delete';
  ruleId: string | undefined;
  before: unknown;
  after: unknown;
  actorId: string | undefined;
  at: Date;
}

type Lean<T> = T & { _id: Types.ObjectId };
const str = (v: Types.ObjectId | null | undefined) => (v ? v.toString() : undefined);
const oid = (id: string) => new Types.ObjectId(id);
const oidOrUndefined = (id: string | undefined) => (id ? oid(id) : undefined);
const opt = <T>(v: T | null | undefined): T | undefined => v ?? undefined;

interface RuleLean {
  _id: Types.ObjectId;
  category: string;
  pattern: string;
  severity: Severity;
  alternative: string;
  negatable: boolean;
  active: boolean;
  note?: string | null;
  source: 'default' | 'custom';
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
const toRule = (d: RuleLean): RuleRecord => ({
  id: d._id.toString(),
  category: d.category,
  pattern: d.pattern,
  severity: d.severity,
  alternative: d.alternative,
  negatable: d.negatable,
  active: d.active,
  note: opt(d.note),
  source: d.source,
  version: d.version,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

type HitLean = Lean<{
  source: HitSource;
  sourceRef: string;
  channel?: string | null;
  action: HitAction;
  text: string;
  context: string;
  matchedText: string;
  ruleId: Types.ObjectId;
  category: string;
  pattern: string;
  severity: Severity;
  alternative: string;
  lexiconVersion: number;
  agentId?: Types.ObjectId | null;
  teamId?: Types.ObjectId | null;
  branchId?: Types.ObjectId | null;
  customerId?: Types.ObjectId | null;
  agentWecomUserId?: string | null;
  externalUserId?: string | null;
  occurredAt: Date;
  status: HitStatus;
  reviewedBy?: Types.ObjectId | null;
  reviewedAt?: Date | null;
  reviewNote?: string | null;
  createdAt: Date;
}>;
const toHit = (d: HitLean): HitRecord => ({
  id: d._id.toString(),
  source: d.source,
  sourceRef: d.sourceRef,
  channel: opt(d.channel),
  action: d.action,
  text: d.text,
  context: d.context,
  matchedText: d.matchedText,
  ruleId: d.ruleId.toString(),
  category: d.category,
  pattern: d.pattern,
  severity: d.severity,
  alternative: d.alternative,
  lexiconVersion: d.lexiconVersion,
  agentId: str(d.agentId),
  teamId: str(d.teamId),
  branchId: str(d.branchId),
  customerId: str(d.customerId),
  agentWecomUserId: opt(d.agentWecomUserId),
  externalUserId: opt(d.externalUserId),
  occurredAt: d.occurredAt,
  status: d.status,
  reviewedBy: str(d.reviewedBy),
  reviewedAt: opt(d.reviewedAt),
  reviewNote: opt(d.reviewNote),
  createdAt: d.createdAt,
});

type AlertLean = Lean<{
  kind: AlertKind;
  severity: Severity | 'info';
  title: string;
  body: string;
  hitIds?: Types.ObjectId[] | null;
  status: 'pending' | 'delivered';
  createdAt: Date;
}>;
const toAlert = (d: AlertLean): AlertRecord => ({
  id: d._id.toString(),
  kind: d.kind,
  severity: d.severity,
  title: d.title,
  body: d.body,
  hitIds: (d.hitIds ?? []).map((h) => h.toString()),
  status: d.status,
  createdAt: d.createdAt,
});

export interface HitFilter {
  status?: HitStatus | undefined;
  source?: HitSource | undefined;
  category?: string | undefined;
  severity?: Severity | undefined;
  teamId?: string | undefined;
  agentId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

function hitQuery(f: HitFilter, scope: DataScope): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.status) q.status = f.status;
  if (f.source) q.source = f.source;
  if (f.category) q.category = f.category;
  if (f.severity) q.severity = f.severity;
  if (f.teamId) q.teamId = oid(f.teamId);
  if (f.agentId) q.agentId = oid(f.agentId);
  if (f.from || f.to) {
    q.occurredAt = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
  }
  // The caller's scope narrows every read (a team lead's digest sees the team's hits only).
  if (scope.level === 'own') q.agentId = oid(scope.userId);
  if (scope.level === 'team') q.teamId = oid(scope.teamId);
  if (scope.level === 'branch') q.branchId = oid(scope.branchId);
  return q;
}

const LEXICON_KEY = 'main';

/** Data access for the lexicon, hits and alerts. */
export function createComplianceRepository(models: ComplianceModels) {
  const { ComplianceRule, ComplianceLexicon, ComplianceLexiconChange, ComplianceHit, ComplianceAlert } =
    models;
  return {
    /** The lexicon's version; undefined before it was seeded. */
    async lexiconVersion(): Promise<number | undefined> {
      const d = await ComplianceLexicon.findOne({ key: LEXICON_KEY }).lean<{ version: number }>();
      return d?.version;
    },

    /** Claims the first version (1). False when another process seeded first. */
    async claimSeed(): Promise<boolean> {
      try {
        await ComplianceLexicon.create({ key: LEXICON_KEY, version: 1 });
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },

    /** Increments the version after a change and records the change; returns the new version. */
    async bumpVersion(change: Omit<LexiconChangeRecord, 'version'>): Promise<number> {
      const d = await ComplianceLexicon.findOneAndUpdate(
        { key: LEXICON_KEY },
        { $inc: { version: 1 } },
        { upsert: true, returnDocument: 'after' },
      ).lean<{ version: number }>();
      const version = (d as { version: number }).version;
      await ComplianceLexiconChange.create({
        ...change,
        version,
        ruleId: oidOrUndefined(change.ruleId),
        actorId: oidOrUndefined(change.actorId),
      });
      return version;
    },

    async recordSeed(version: number, count: number, at: Date): Promise<void> {
      await ComplianceLexiconChange.create({ version, action: 'seed', after: { rules: count }, at });
    },

    async listChanges(limit: number): Promise<LexiconChangeRecord[]> {
      const docs = await ComplianceLexiconChange.find().sort({ version: -1, at: -1 }).limit(limit).lean<
        Lean<{
          version: number;
          action: LexiconChangeRecord['action'];
          ruleId?: Types.ObjectId | null;
          before?: unknown;
          after?: unknown;
          actorId?: Types.ObjectId | null;
          at: Date;
        }>[]
      >();
      return docs.map((d) => ({
        version: d.version,
        action: d.action,
        ruleId: str(d.ruleId),
        before: d.before,
        after: d.after,
        actorId: str(d.actorId),
        at: d.at,
      }));
    },

    async insertRule(
      r: Omit<RuleRecord, 'id' | 'createdAt' | 'updatedAt'> & { patternKey: string; updatedBy?: string },
    ): Promise<RuleRecord> {
      const doc = await ComplianceRule.create({ ...r, updatedBy: oidOrUndefined(r.updatedBy) });
      return toRule(doc.toObject<RuleLean>());
    },

    /** Seeds many rules; a pattern already present is skipped (two processes seeding at once). */
    async insertRulesIgnoringDuplicates(
      rules: (Omit<RuleRecord, 'id' | 'createdAt' | 'updatedAt'> & { patternKey: string })[],
    ): Promise<number> {
      let inserted = 0;
      for (const r of rules) {
        try {
          await ComplianceRule.create(r);
          inserted++;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      return inserted;
    },

    async findRule(id: string): Promise<RuleRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await ComplianceRule.findById(id).lean<RuleLean>();
      return d ? toRule(d) : undefined;
    },

    async listRules(filter: {
      category?: string | undefined;
      severity?: Severity | undefined;
      active?: boolean | undefined;
    }): Promise<RuleRecord[]> {
      const q: Record<string, unknown> = {};
      if (filter.category) q.category = filter.category;
      if (filter.severity) q.severity = filter.severity;
      if (filter.active !== undefined) q.active = filter.active;
      // A lexicon is a few hundred rules; the cap keeps a runaway import from loading millions.
      const docs = await ComplianceRule.find(q)
        .sort({ category: 1, pattern: 1 })
        .limit(5000)
        .lean<RuleLean[]>();
      return docs.map(toRule);
    },

    async updateRule(
      id: string,
      set: Partial<Omit<RuleRecord, 'id' | 'createdAt' | 'updatedAt' | 'source'>> & {
        patternKey?: string;
        updatedBy?: string;
      },
    ): Promise<RuleRecord | undefined> {
      const d = await ComplianceRule.findOneAndUpdate(
        { _id: oid(id) },
        { $set: { ...set, updatedBy: oidOrUndefined(set.updatedBy) } },
        { returnDocument: 'after' },
      ).lean<RuleLean>();
      return d ? toRule(d) : undefined;
    },

    async deleteRule(id: string): Promise<boolean> {
      const res = await ComplianceRule.deleteOne({ _id: oid(id) });
      return res.deletedCount === 1;
    },

    /** Inserts a hit unless one with the same dedupe key exists; returns it and whether it is new. */
    async insertHit(h: HitWrite): Promise<{ hit: HitRecord; created: boolean }> {
      try {
        const doc = await ComplianceHit.create({
          ...h,
          ruleId: oid(h.ruleId),
          agentId: oidOrUndefined(h.agentId),
          teamId: oidOrUndefined(h.teamId),
          branchId: oidOrUndefined(h.branchId),
          customerId: oidOrUndefined(h.customerId),
        });
        return { hit: toHit(doc.toObject<HitLean>()), created: true };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const existing = await ComplianceHit.findOne({ dedupeKey: h.dedupeKey }).lean<HitLean>();
        if (!existing) throw err;
        return { hit: toHit(existing), created: false };
      }
    },

    async findHit(id: string): Promise<HitRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await ComplianceHit.findById(id).lean<HitLean>();
      return d ? toHit(d) : undefined;
    },

    async listHits(
      filter: HitFilter,
      scope: DataScope,
      page: { skip: number; limit: number },
    ): Promise<{ items: HitRecord[]; total: number }> {
      const q = hitQuery(filter, scope);
      const [docs, total] = await Promise.all([
        ComplianceHit.find(q)
          .sort({ occurredAt: -1, _id: -1 })
          .skip(page.skip)
          .limit(page.limit)
          .lean<HitLean[]>(),
        ComplianceHit.countDocuments(q),
      ]);
      return { items: docs.map(toHit), total };
    },

    /** Moves an open hit to a review status; undefined when it is not open (any more). */
    async reviewHit(
      id: string,
      review: { status: Exclude<HitStatus, 'open'>; by: string; at: Date; note: string | undefined },
    ): Promise<HitRecord | undefined> {
      const d = await ComplianceHit.findOneAndUpdate(
        { _id: oid(id), status: 'open' },
        {
          $set: {
            status: review.status,
            reviewedBy: oid(review.by),
            reviewedAt: review.at,
            reviewNote: review.note,
          },
        },
        { returnDocument: 'after' },
      ).lean<HitLean>();
      return d ? toHit(d) : undefined;
    },

    /** Hit counts grouped by category, team, source, status and severity in one portable $group. */
    async countHits(filter: HitFilter): Promise<
      {
        category: string;
        teamId: string | undefined;
        source: HitSource;
        status: HitStatus;
        severity: Severity;
        count: number;
      }[]
    > {
      const rows = await ComplianceHit.aggregate<{
        _id: {
          category: string;
          teamId?: Types.ObjectId | null;
          source: HitSource;
          status: HitStatus;
          severity: Severity;
        };
        count: number;
      }>([
        { $match: hitQuery(filter, { level: 'all' }) },
        {
          $group: {
            _id: {
              category: '$category',
              teamId: '$teamId',
              source: '$source',
              status: '$status',
              severity: '$severity',
            },
            count: { $sum: 1 },
          },
        },
      ]);
      return rows.map((r) => ({
        category: r._id.category,
        teamId: str(r._id.teamId),
        source: r._id.source,
        status: r._id.status,
        severity: r._id.severity,
        count: r.count,
      }));
    },

    /** Inserts an alert once per dedupe key; returns it when new. */
    async insertAlert(a: {
      kind: AlertKind;
      severity: Severity | 'info';
      title: string;
      body: string;
      hitIds: string[];
      dedupeKey: string;
    }): Promise<AlertRecord | undefined> {
      try {
        const doc = await ComplianceAlert.create({ ...a, hitIds: a.hitIds.map(oid) });
        return toAlert(doc.toObject<AlertLean>());
      } catch (err) {
        if (isDuplicateKeyError(err)) return undefined;
        throw err;
      }
    },

    async listAlerts(status: 'pending' | 'delivered' | undefined, limit: number): Promise<AlertRecord[]> {
      const docs = await ComplianceAlert.find(status ? { status } : {})
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<AlertLean[]>();
      return docs.map(toAlert);
    },

    /** What the intercept-rule sync last pushed to WeCom (for the preview). */
    async pushedInterceptRules(): Promise<
      { ruleId: string; ruleName: string; words: string[]; interceptType: 1 | 2 }[]
    > {
      const docs = await models.ComplianceInterceptRule.find()
        .sort({ ruleName: 1 })
        .lean<{ ruleId: string; ruleName: string; words?: string[] | null; interceptType: 1 | 2 }[]>();
      return docs.map((d) => ({
        ruleId: d.ruleId,
        ruleName: d.ruleName,
        words: d.words ?? [],
        interceptType: d.interceptType,
      }));
    },

    async markAlertDelivered(id: string, at: Date): Promise<boolean> {
      const res = await ComplianceAlert.updateOne(
        { _id: oid(id), status: 'pending' },
        { $set: { status: 'delivered', deliveredAt: at } },
      );
      return res.modifiedCount === 1;
    },
  };
}
export type ComplianceRepository = ReturnType<typeof createComplianceRepository>;
