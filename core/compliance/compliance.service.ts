import { randomUUID } from 'node:crypto';
import { requireRole, type DataScope, type Principal } from '../auth/scope.js';
import { isDuplicateKeyError } from '../db/errors.js';
import { AppError, notFound } from '../errors.js';
import type { UserRepository } from '../user/user.repository.js';
import type { ArchiveRepository } from './archive/archive.repository.js';
import { DEFAULT_RULES } from './default-lexicon.js';
import { desiredInterceptRules, planInterceptSync } from './intercept-sync.js';
import { compileMatcher, parsePattern, type Matcher, type MatchResult, type Verdict } from './matcher.js';
import type {
  AlertRecord,
  ComplianceRepository,
  HitAction,
  HitRecord,
  HitSource,
  HitStatus,
  RuleRecord,
} from './compliance.repository.js';
import type {
  CreateRuleInput,
  ListHitsQuery,
  ListRulesQuery,
  ReportQuery,
  ReviewHitInput,
  UpdateRuleInput,
} from './compliance.schemas.js';

/** Where an outgoing system message is going; `sourceRef` makes retries of one message one check. */
export interface OutgoingContext {
  /** e.g. agent_app, customer_subscribe, customer_wecom, manager_digest (the outbox's channels). */
  channel: string;
  /** The notification's id or dedupe key. Without it every call records new hits. */
  sourceRef?: string | undefined;
  /** The agent the message is sent for or on behalf of, when there is one. */
  agentId?: string | undefined;
  customerId?: string | undefined;
  occurredAt?: Date | undefined;
}

/** The answer to "may this be sent?". */
export type OutgoingCheck =
  | { verdict: 'allow'; lexiconVersion: number }
  | { verdict: 'warn'; lexiconVersion: number; hits: HitRecord[] }
  | {
      verdict: 'block';
      lexiconVersion: number;
      hits: HitRecord[];
      /** The compliant phrasing of each blocked rule, for the template author. */
      alternatives: string[];
      /** Chinese, for the notification's skip reason. */
      reason: string;
    };

/** A text written by an agent and checked after the fact (logged interaction, archived chat). */
export interface LoggedText {
  sourceRef: string;
  text: string;
  occurredAt: Date;
  agentId?: string | undefined;
  agentWecomUserId?: string | undefined;
  customerId?: string | undefined;
  externalUserId?: string | undefined;
}

export interface ScanOutcome {
  verdict: Verdict;
  lexiconVersion: number;
  hits: HitRecord[];
}

export interface ComplianceReport {
  period: { from: string; to: string };
  total: number;
  open: number;
  byCategory: { category: string; count: number; block: number; warn: number }[];
  byTeam: { teamId: string | undefined; teamName: string | undefined; count: number }[];
  bySource: { source: HitSource; count: number }[];
  byStatus: { status: HitStatus; count: number }[];
}

const MAX_STORED_TEXT = 2000;
const CONTEXT_CHARS = 30;
const SOURCE_LABEL: Record<HitSource, string> = {
  outgoing: '外发消息',
  interaction: '沟通记录',
  chat_archive: '会话存档',
};

/** Start of a business date in Asia/Shanghai (UTC+8, no DST). */
const shanghaiMidnight = (isoDate: string) => new Date(`${isoDate}T00:00:00+08:00`);
const nextDay = (d: Date) => new Date(d.getTime() + 24 * 3600 * 1000);

function contextOf(text: string, start: number, end: number): string {
  const from = Math.max(0, start - CONTEXT_CHARS);
  const to = Math.min(text.length, end + CONTEXT_CHARS);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}

function patternError(pattern: string, reason: string) {
  return new AppError('COMPLIANCE_RULE_PATTERN_INVALID', `pattern ${JSON.stringify(pattern)}: ${reason}`, {
    userMessage: '匹配规则无效：至少两个字，最多四段，用 * 连接',
    details: { reason },
  });
}

function patternTaken(err: unknown) {
  return new AppError('COMPLIANCE_RULE_PATTERN_TAKEN', 'pattern already in lexicon', {
    userMessage: '词库中已有相同的匹配规则',
    cause: err,
  });
}

/**
 * The compliance core: the lexicon (versioned, admin-edited), the checks that run before a system
 * message is sent and after an agent wrote something, hits with their review, alerts for the
 * compliance owner (the admin role, until a dedicated role exists) and the report.
 */
export function createComplianceService(deps: {
  repo: ComplianceRepository;
  users: UserRepository;
  clock: () => Date;
  /** For the archive status view; the pull itself is createChatArchiveService (needs the SDK). */
  archive?: ArchiveRepository | undefined;
}) {
  const { repo, users, clock } = deps;
  let cached: { version: number; matcher: Matcher<RuleRecord> } | undefined;

  /** Seeds the shipped lexicon once per database (rules first, so no reader sees version 1 half-filled). */
  async function ensureLexicon(): Promise<number> {
    const existing = await repo.lexiconVersion();
    if (existing !== undefined) return existing;
    const now = clock();
    await repo.insertRulesIgnoringDuplicates(
      DEFAULT_RULES.map((r) => ({
        category: r.category,
        pattern: r.pattern,
        patternKey: patternKeyOf(r.pattern),
        severity: r.severity,
        alternative: r.alternative,
        negatable: r.negatable ?? true,
        active: true,
        note: undefined,
        source: 'default' as const,
        version: 1,
      })),
    );
    if (await repo.claimSeed()) await repo.recordSeed(1, DEFAULT_RULES.length, now);
    return (await repo.lexiconVersion()) ?? 1;
  }

  function patternKeyOf(pattern: string): string {
    const parsed = parsePattern(pattern);
    if (!parsed.ok) throw patternError(pattern, parsed.reason);
    return parsed.terms.join('*');
  }

  /** The matcher for the current lexicon version, recompiled only when the version moved. */
  async function currentMatcher(): Promise<{ version: number; matcher: Matcher<RuleRecord> }> {
    const version = await ensureLexicon();
    if (cached?.version === version) return cached;
    const rules = await repo.listRules({ active: true });
    cached = { version, matcher: compileMatcher(rules) };
    return cached;
  }

  async function placementOf(input: { agentId?: string | undefined; agentWecomUserId?: string | undefined }) {
    const user = input.agentId
      ? await users.findUserById(input.agentId)
      : input.agentWecomUserId
        ? await users.findUserByWecomId(input.agentWecomUserId)
        : undefined;
    return {
      agentId: user?.id ?? input.agentId,
      agentWecomUserId: user?.wecomUserId ?? input.agentWecomUserId,
      teamId: user?.teamId,
      branchId: user?.branchId,
    };
  }

  /** Stores one hit per matched rule (deduplicated) and one alert for the compliance owner. */
  async function record(
    source: HitSource,
    input: LoggedText & { channel?: string | undefined },
    result: MatchResult<RuleRecord>,
    version: number,
  ): Promise<HitRecord[]> {
    if (result.hits.length === 0) return [];
    const placement = await placementOf(input);
    const text = input.text.slice(0, MAX_STORED_TEXT);
    const hits: HitRecord[] = [];
    const created: HitRecord[] = [];
    for (const m of result.hits) {
      const action: HitAction =
        source === 'outgoing' ? (m.rule.severity === 'block' ? 'blocked' : 'warned') : 'flagged';
      const { hit, created: isNew } = await repo.insertHit({
        source,
        sourceRef: input.sourceRef,
        channel: input.channel,
        action,
        text,
        context: contextOf(input.text, m.start, m.end),
        matchedText: m.matchedText,
        ruleId: m.rule.id,
        category: m.rule.category,
        pattern: m.rule.pattern,
        severity: m.rule.severity,
        alternative: m.rule.alternative,
        lexiconVersion: version,
        agentId: placement.agentId,
        teamId: placement.teamId,
        branchId: placement.branchId,
        customerId: input.customerId,
        agentWecomUserId: placement.agentWecomUserId,
        externalUserId: input.externalUserId,
        occurredAt: input.occurredAt,
        dedupeKey: `${source}:${input.sourceRef}:${m.rule.id}`,
      });
      hits.push(hit);
      if (isNew) created.push(hit);
    }
    if (created.length > 0) {
      const worst = created.some((h) => h.severity === 'block') ? 'block' : 'warn';
      const first = created[0] as HitRecord;
      const verb = source === 'outgoing' ? (worst === 'block' ? '已拦截' : '已发送，待复核') : '待复核';
      await repo.insertAlert({
        kind: 'hit',
        severity: worst,
        title: `合规提醒：${SOURCE_LABEL[source]}命中禁用语「${first.matchedText}」（${verb}）`,
        body: created
          .map((h) => `【${h.category}】「${h.matchedText}」→ 建议：${h.alternative || '请改用合规表述'}`)
          .join('\n'),
        hitIds: created.map((h) => h.id),
        dedupeKey: `hit:${source}:${input.sourceRef}:${created.map((h) => h.ruleId).join(',')}`,
      });
    }
    return hits;
  }

  async function scan(source: HitSource, input: LoggedText & { channel?: string | undefined }) {
    const { version, matcher } = await currentMatcher();
    const result = matcher.match(input.text);
    const hits = await record(source, input, result, version);
    return { verdict: result.verdict, lexiconVersion: version, hits };
  }

  async function changeRule(
    actor: Principal,
    id: string,
    set: Parameters<ComplianceRepository['updateRule']>[1],
  ): Promise<RuleRecord> {
    const before = await repo.findRule(id);
    if (!before) throw notFound('compliance rule', '规则不存在');
    let updated: RuleRecord | undefined;
    try {
      updated = await repo.updateRule(id, { ...set, updatedBy: actor.userId });
    } catch (err) {
      if (isDuplicateKeyError(err)) throw patternTaken(err);
      throw err;
    }
    if (!updated) throw notFound('compliance rule', '规则不存在');
    const version = await repo.bumpVersion({
      action: 'update',
      ruleId: id,
      before,
      after: updated,
      actorId: actor.userId,
      at: clock(),
    });
    return (await repo.updateRule(id, { version })) ?? updated;
  }

  const service = {
    ensureLexicon,

    /** Active rules, for internal consumers (the WeCom intercept-rule sync); not scoped, not for users. */
    async activeRules(): Promise<RuleRecord[]> {
      await ensureLexicon();
      return repo.listRules({ active: true });
    },

    /** The current lexicon version (what a hit recorded now would carry). */
    async lexiconVersion(): Promise<number> {
      return ensureLexicon();
    },

    /**
     * Called by the notification outbox before it sends a system message. `block` → do not send
     * (use `reason` as the skip reason); `warn` → send; both store hits and alert the compliance owner.
     * Idempotent per `context.sourceRef`: a retried notification does not record its hits twice.
     */
    async checkOutgoing(text: string, context: OutgoingContext): Promise<OutgoingCheck> {
      const { verdict, lexiconVersion, hits } = await scan('outgoing', {
        sourceRef: context.sourceRef ?? `adhoc-${randomUUID()}`,
        text,
        occurredAt: context.occurredAt ?? clock(),
        agentId: context.agentId,
        customerId: context.customerId,
        channel: context.channel,
      });
      if (verdict === 'allow') return { verdict, lexiconVersion };
      if (verdict === 'warn') return { verdict, lexiconVersion, hits };
      const blocked = hits.filter((h) => h.severity === 'block');
      return {
        verdict,
        lexiconVersion,
        hits,
        alternatives: [...new Set(blocked.map((h) => h.alternative).filter(Boolean))],
        reason: `含合规禁用语：${blocked.map((h) => `「${h.matchedText}」`).join('、')}`,
      };
    },

    /**
     * `checkOutgoing`, then `send` only when the text is not blocked. The one call an outbox needs:
     * returns whether it was sent and the check.
     */
    async sendIfCompliant<T>(
      text: string,
      context: OutgoingContext,
      send: () => Promise<T>,
    ): Promise<{ sent: true; result: T; check: OutgoingCheck } | { sent: false; check: OutgoingCheck }> {
      const check = await service.checkOutgoing(text, context);
      if (check.verdict === 'block') return { sent: false, check };
      return { sent: true, result: await send(), check };
    },

    /**
     * Flags a logged interaction's text after the fact. The interaction service must call this after
     * it stores or edits an interaction (sourceRef = interaction id; re-scans do not duplicate hits).
     */
    async scanInteraction(input: LoggedText): Promise<ScanOutcome> {
      return scan('interaction', input);
    },

    /** Flags an archived chat message (sourceRef = msgid). Used by the chat-archive pull. */
    async scanArchivedMessage(input: LoggedText): Promise<ScanOutcome> {
      return scan('chat_archive', input);
    },

    /** Dry run for admins: the verdict and the matched rules, nothing stored. */
    async checkText(actor: Principal, text: string) {
      requireRole(actor, 'admin');
      const { version, matcher } = await currentMatcher();
      const r = matcher.match(text);
      const view = (m: (typeof r.hits)[number]) => ({
        ruleId: m.rule.id,
        category: m.rule.category,
        pattern: m.rule.pattern,
        severity: m.rule.severity,
        alternative: m.rule.alternative,
        matchedText: m.matchedText,
        start: m.start,
        end: m.end,
      });
      return {
        verdict: r.verdict,
        lexiconVersion: version,
        hits: r.hits.map(view),
        negated: r.negated.map(view),
      };
    },

    // --- lexicon administration (admin = compliance owner) ---

    async listRules(actor: Principal, query: ListRulesQuery) {
      requireRole(actor, 'admin');
      const version = await ensureLexicon();
      return { version, items: await repo.listRules(query) };
    },

    async getRule(actor: Principal, id: string): Promise<RuleRecord> {
      requireRole(actor, 'admin');
      await ensureLexicon();
      const rule = await repo.findRule(id);
      if (!rule) throw notFound('compliance rule', '规则不存在');
      return rule;
    },

    async createRule(actor: Principal, input: CreateRuleInput): Promise<RuleRecord> {
      requireRole(actor, 'admin');
      await ensureLexicon();
      const patternKey = patternKeyOf(input.pattern);
      let rule: RuleRecord;
      try {
        rule = await repo.insertRule({
          ...input,
          note: input.note,
          patternKey,
          source: 'custom',
          version: 0,
          updatedBy: actor.userId,
        });
      } catch (err) {
        if (isDuplicateKeyError(err)) throw patternTaken(err);
        throw err;
      }
      // Version after the write: a reader that saw the old version recompiles on its next check.
      const version = await repo.bumpVersion({
        action: 'create',
        ruleId: rule.id,
        before: undefined,
        after: rule,
        actorId: actor.userId,
        at: clock(),
      });
      return (await repo.updateRule(rule.id, { version })) ?? rule;
    },

    async updateRule(actor: Principal, id: string, input: UpdateRuleInput): Promise<RuleRecord> {
      requireRole(actor, 'admin');
      await ensureLexicon();
      const set: Parameters<ComplianceRepository['updateRule']>[1] = { ...input };
      if (input.pattern !== undefined) set.patternKey = patternKeyOf(input.pattern);
      return changeRule(actor, id, set);
    },

    async deleteRule(actor: Principal, id: string): Promise<{ version: number }> {
      requireRole(actor, 'admin');
      await ensureLexicon();
      const before = await repo.findRule(id);
      if (!before || !(await repo.deleteRule(id))) throw notFound('compliance rule', '规则不存在');
      const version = await repo.bumpVersion({
        action: 'delete',
        ruleId: id,
        before,
        after: undefined,
        actorId: actor.userId,
        at: clock(),
      });
      return { version };
    },

    async listLexiconChanges(actor: Principal, limit = 50) {
      requireRole(actor, 'admin');
      const version = await ensureLexicon();
      return { version, items: await repo.listChanges(limit) };
    },

    // --- hits, alerts, report ---

    async listHits(actor: Principal, query: ListHitsQuery) {
      requireRole(actor, 'admin');
      const from = query.from ? shanghaiMidnight(query.from) : undefined;
      const to = query.to ? nextDay(shanghaiMidnight(query.to)) : undefined;
      const { items, total } = await repo.listHits({ ...query, from, to }, actor.scope, {
        skip: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
      });
      return { items, total, page: query.page, pageSize: query.pageSize };
    },

    async getHit(actor: Principal, id: string): Promise<HitRecord> {
      requireRole(actor, 'admin');
      const hit = await repo.findHit(id);
      if (!hit) throw notFound('compliance hit', '命中记录不存在');
      return hit;
    },

    /** open → acknowledged | false_positive, once. */
    async reviewHit(actor: Principal, id: string, input: ReviewHitInput): Promise<HitRecord> {
      requireRole(actor, 'admin');
      const existing = await repo.findHit(id);
      if (!existing) throw notFound('compliance hit', '命中记录不存在');
      const updated = await repo.reviewHit(id, {
        status: input.status,
        by: actor.userId,
        at: clock(),
        note: input.note,
      });
      if (!updated) {
        throw new AppError('COMPLIANCE_HIT_NOT_OPEN', `hit ${id} is ${existing.status}`, {
          userMessage: '该命中记录已处理，不能重复处理',
          details: { status: existing.status },
        });
      }
      return updated;
    },

    async listAlerts(
      actor: Principal,
      status: 'pending' | 'delivered' | undefined,
      limit: number,
    ): Promise<AlertRecord[]> {
      requireRole(actor, 'admin');
      return repo.listAlerts(status, limit);
    },

    /** For the outbox: alerts not yet delivered to the compliance owner, oldest concerns first. */
    pendingAlerts: (limit = 100) => repo.listAlerts('pending', limit),
    markAlertDelivered: (id: string) => repo.markAlertDelivered(id, clock()),

    /** Chat-archive progress as stored (works without the SDK): checkpoint, last success, open failures. */
    async archiveStatus(actor: Principal, key = 'default') {
      requireRole(actor, 'admin');
      if (!deps.archive) return { available: false as const };
      const cp = await deps.archive.checkpoint(key);
      const since = cp.lastSuccessAt ?? cp.createdAt;
      return {
        available: true as const,
        seq: cp.seq,
        lastPullAt: cp.lastPullAt,
        lastSuccessAt: cp.lastSuccessAt,
        lastError: cp.lastError,
        hoursSinceSuccess: Math.round(((clock().getTime() - since.getTime()) / 3600_000) * 10) / 10,
        openFailures: await deps.archive.countOpenFailures(),
      };
    },

    /** What the intercept-rule sync would change in WeCom now (no WeCom call). */
    async interceptPlan(actor: Principal, ruleBudget?: number) {
      requireRole(actor, 'admin');
      const version = await ensureLexicon();
      const desired = desiredInterceptRules(await repo.listRules({ active: true }), ruleBudget);
      const plan = planInterceptSync(desired.rules, await repo.pushedInterceptRules());
      return {
        lexiconVersion: version,
        add: plan.add,
        update: plan.update,
        delete: plan.delete.map((d) => ({ ruleId: d.ruleId, ruleName: d.ruleName })),
        unchanged: plan.unchanged.map((u) => ({
          ruleId: u.ruleId,
          ruleName: u.ruleName,
          words: u.words.length,
        })),
        skipped: desired.skipped,
      };
    },

    /** For the daily digest (issue 7): open hits in a scope since a time, newest first. */
    async openHitsForDigest(scope: DataScope, since: Date, limit = 20) {
      return repo.listHits({ status: 'open', from: since }, scope, { skip: 0, limit });
    },

    /** Hits by category, team, source and status for a period of business dates (Asia/Shanghai). */
    async report(actor: Principal, query: ReportQuery): Promise<ComplianceReport> {
      requireRole(actor, 'admin');
      const rows = await repo.countHits({
        from: shanghaiMidnight(query.from),
        to: nextDay(shanghaiMidnight(query.to)),
        teamId: query.teamId,
        category: query.category,
      });
      const sum = <K extends string>(key: (r: (typeof rows)[number]) => K) => {
        const m = new Map<K, number>();
        for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + r.count);
        return m;
      };
      const categories = new Map<string, { category: string; count: number; block: number; warn: number }>();
      for (const r of rows) {
        const c = categories.get(r.category) ?? { category: r.category, count: 0, block: 0, warn: 0 };
        c.count += r.count;
        c[r.severity] += r.count;
        categories.set(r.category, c);
      }
      const teams = new Map<string | undefined, number>();
      for (const r of rows) teams.set(r.teamId, (teams.get(r.teamId) ?? 0) + r.count);
      const teamNames = new Map<string, string>();
      for (const teamId of teams.keys()) {
        if (!teamId) continue;
        const team = await users.findTeamById(teamId);
        if (team) teamNames.set(teamId, team.name);
      }
      const total = rows.reduce((s, r) => s + r.count, 0);
      const byDesc = <T extends { count: number }>(xs: T[]) => xs.sort((a, b) => b.count - a.count);
      return {
        period: { from: query.from, to: query.to },
        total,
        open: rows.filter((r) => r.status === 'open').reduce((s, r) => s + r.count, 0),
        byCategory: byDesc([...categories.values()]),
        byTeam: byDesc(
          [...teams].map(([teamId, count]) => ({
            teamId,
            teamName: teamId ? teamNames.get(teamId) : undefined,
            count,
          })),
        ),
        bySource: byDesc([...sum((r) => r.source)].map(([source, count]) => ({ source, count }))),
        byStatus: byDesc([...sum((r) => r.status)].map(([status, count]) => ({ status, count }))),
      };
    },
  };
  return service;
}
export type ComplianceService = ReturnType<typeof createComplianceService>;
