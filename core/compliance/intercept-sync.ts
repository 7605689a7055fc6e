import type { Logger } from '../logger.js';
import type { ComplianceModels } from './compliance.model.js';
import type { RuleRecord } from './compliance.repository.js';
import { parsePattern } from './matcher.js';

/** WeCom's limits for 敏感词规则 (externalcontact/add_intercept_rule, path/95130). */
export const INTERCEPT_LIMITS = {
  /** Rules per corp, including the ones an admin made by hand. */
  maxRules: 100,
  wordsPerRule: 300,
  /** Characters per word (1–32 UTF-8 characters). */
  maxWordLength: 32,
  /** Characters per rule name (1–20). */
  maxNameLength: 20,
} as const;

/** 1: warn and block sending (警告并拦截发送); 2: warn only. Block-severity words use 1. */
export type InterceptType = 1 | 2;

/**
 * What the sync needs from the WeCom client (issue 5 implements it on `WecomClient`, see
 * `interceptRuleApiFromWecomClient`). Each call throws on a WeCom error.
 */
export interface InterceptRuleApi {
  addRule(rule: {
    ruleName: string;
    wordList: string[];
    interceptType: InterceptType;
    applicableRange: { userList?: string[]; departmentList?: number[] };
  }): Promise<{ ruleId: string }>;
  /** Replaces name, words and type of an existing rule. */
  updateRule(rule: {
    ruleId: string;
    ruleName: string;
    wordList: string[];
    interceptType: InterceptType;
  }): Promise<void>;
  deleteRule(ruleId: string): Promise<void>;
}

/** The WeCom client's intercept-rule calls, as issue 5's `createWecomClient` exposes them. */
interface WecomInterceptCalls {
  addInterceptRule(rule: {
    rule_name: string;
    word_list: string[];
    intercept_type: 1 | 2;
    applicable_range: { user_list?: string[]; department_list?: number[] };
  }): Promise<unknown>;
  updateInterceptRule(rule: {
    rule_id: string;
    rule_name?: string;
    word_list?: string[];
    intercept_type?: 1 | 2;
  }): Promise<unknown>;
  deleteInterceptRule(ruleId: string): Promise<unknown>;
}

/** Adapts the WeCom client (snake_case API calls) to `InterceptRuleApi`. */
export function interceptRuleApiFromWecomClient(client: WecomInterceptCalls): InterceptRuleApi {
  return {
    async addRule(r) {
      const res = await client.addInterceptRule({
        rule_name: r.ruleName,
        word_list: r.wordList,
        intercept_type: r.interceptType,
        applicable_range: {
          ...(r.applicableRange.userList ? { user_list: r.applicableRange.userList } : {}),
          ...(r.applicableRange.departmentList ? { department_list: r.applicableRange.departmentList } : {}),
        },
      });
      const ruleId = (res as { rule_id?: unknown } | undefined)?.rule_id;
      if (typeof ruleId !== 'string' || ruleId === '')
        throw new Error('add_intercept_rule returned no rule_id');
      return { ruleId };
    },
    async updateRule(r) {
      await client.updateInterceptRule({
        rule_id: r.ruleId,
        rule_name: r.ruleName,
        word_list: r.wordList,
        intercept_type: r.interceptType,
      });
    },
    async deleteRule(ruleId) {
      await client.deleteInterceptRule(ruleId);
    },
  };
}

export interface DesiredInterceptRule {
  ruleName: string;
  words: string[];
  interceptType: InterceptType;
}

export interface SkippedWord {
  word: string;
  reason: 'not_literal' | 'too_long' | 'over_limit';
}

const PREFIX = '企保';

function nameFor(label: string, n: number, total: number): string {
  const suffix = total > 1 ? `-${n}` : '';
  const room = INTERCEPT_LIMITS.maxNameLength - PREFIX.length - 1 - suffix.length;
  return `${PREFIX}-${label.slice(0, room)}${suffix}`;
}

function chunk<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * The rules WeCom should hold: every active block-severity rule whose pattern is a plain phrase
 * (a `*` pattern cannot be expressed as a WeCom word), one WeCom rule per category split at 300
 * words. If that needs more rules than `budget`, the words are packed regardless of category; words
 * that still do not fit are reported as over_limit, never sent.
 */
export function desiredInterceptRules(
  rules: readonly RuleRecord[],
  budget: number = INTERCEPT_LIMITS.maxRules,
): { rules: DesiredInterceptRule[]; skipped: SkippedWord[] } {
  const skipped: SkippedWord[] = [];
  const byCategory = new Map<string, Set<string>>();
  for (const r of rules) {
    if (!r.active || r.severity !== 'block') continue;
    const parsed = parsePattern(r.pattern);
    // WeCom matches the literal text agents type: push the pattern as written, without spaces.
    const word = r.pattern.replace(/\s+/g, '');
    if (!parsed.ok || !parsed.literal) {
      skipped.push({ word: r.pattern, reason: 'not_literal' });
      continue;
    }
    if ([...word].length > INTERCEPT_LIMITS.maxWordLength) {
      skipped.push({ word, reason: 'too_long' });
      continue;
    }
    const set = byCategory.get(r.category) ?? new Set<string>();
    set.add(word);
    byCategory.set(r.category, set);
  }
  const perCategory: DesiredInterceptRule[] = [];
  for (const [category, set] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = chunk([...set].sort(), INTERCEPT_LIMITS.wordsPerRule);
    parts.forEach((words, i) =>
      perCategory.push({ ruleName: nameFor(category, i + 1, parts.length), words, interceptType: 1 }),
    );
  }
  if (perCategory.length <= budget) return { rules: perCategory, skipped };

  const all = [...new Set(perCategory.flatMap((r) => r.words))].sort();
  const capacity = budget * INTERCEPT_LIMITS.wordsPerRule;
  for (const word of all.slice(capacity)) skipped.push({ word, reason: 'over_limit' });
  const parts = chunk(all.slice(0, capacity), INTERCEPT_LIMITS.wordsPerRule);
  return {
    rules: parts.map((words, i) => ({
      ruleName: nameFor('合规词库', i + 1, parts.length),
      words,
      interceptType: 1,
    })),
    skipped,
  };
}

export interface PushedInterceptRule {
  ruleId: string;
  ruleName: string;
  words: string[];
  interceptType: InterceptType;
}

export interface InterceptPlan {
  add: DesiredInterceptRule[];
  update: (DesiredInterceptRule & { ruleId: string })[];
  delete: PushedInterceptRule[];
  unchanged: PushedInterceptRule[];
}

const sameWords = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((w, i) => w === [...b].sort()[i]);

/** The diff between what WeCom holds (as last pushed) and what it should hold, matched by rule name. */
export function planInterceptSync(
  desired: readonly DesiredInterceptRule[],
  pushed: readonly PushedInterceptRule[],
): InterceptPlan {
  const plan: InterceptPlan = { add: [], update: [], delete: [], unchanged: [] };
  const byName = new Map(pushed.map((p) => [p.ruleName, p]));
  const used = new Set<string>();
  for (const d of desired) {
    const current = byName.get(d.ruleName);
    if (!current) {
      plan.add.push(d);
      continue;
    }
    used.add(current.ruleId);
    if (sameWords(current.words, d.words) && current.interceptType === d.interceptType)
      plan.unchanged.push(current);
    else plan.update.push({ ...d, ruleId: current.ruleId });
  }
  for (const p of pushed) if (!used.has(p.ruleId)) plan.delete.push(p);
  return plan;
}

export interface InterceptSyncResult {
  lexiconVersion: number;
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skipped: SkippedWord[];
  /** Set when a WeCom call failed; what succeeded before it is recorded, the next sync continues. */
  error?: string;
}

/**
 * Pushes the block-severity lexicon to WeCom's intercept rules with a diff, not a blind overwrite.
 * Deletes run first (they free rule slots), then updates, then adds. Each successful call is recorded
 * at once, so a failure halfway leaves an accurate record for the next run. The job scheduler runs it
 * after lexicon changes (issue 7); `api` is the WeCom client's implementation (issue 5).
 */
export function createInterceptRuleSync(deps: {
  models: ComplianceModels;
  api: InterceptRuleApi;
  lexicon: { lexiconVersion(): Promise<number>; activeRules(): Promise<RuleRecord[]> };
  /** Who the rules apply to (WeCom requires users or departments); default: department 1 (the root). */
  applicableRange?: { userList?: string[]; departmentList?: number[] };
  /** Rule slots Qibao may use; lower it when admins keep rules of their own (limit 100 in total). */
  ruleBudget?: number;
  logger: Logger;
}) {
  const { models, api } = deps;
  const { ComplianceInterceptRule } = models;
  const range = deps.applicableRange ?? { departmentList: [1] };

  async function pushed(): Promise<PushedInterceptRule[]> {
    const docs = await ComplianceInterceptRule.find()
      .sort({ ruleName: 1 })
      .lean<{ ruleId: string; ruleName: string; words?: string[] | null; interceptType: InterceptType }[]>();
    return docs.map((d) => ({
      ruleId: d.ruleId,
      ruleName: d.ruleName,
      words: d.words ?? [],
      interceptType: d.interceptType,
    }));
  }

  return {
    pushed,

    /** The plan without calling WeCom (for a preview). */
    async plan() {
      const desired = desiredInterceptRules(await deps.lexicon.activeRules(), deps.ruleBudget);
      return { ...planInterceptSync(desired.rules, await pushed()), skipped: desired.skipped };
    },

    async sync(): Promise<InterceptSyncResult> {
      const version = await deps.lexicon.lexiconVersion();
      const desired = desiredInterceptRules(await deps.lexicon.activeRules(), deps.ruleBudget);
      const plan = planInterceptSync(desired.rules, await pushed());
      const result: InterceptSyncResult = {
        lexiconVersion: version,
        added: 0,
        updated: 0,
        deleted: 0,
        unchanged: plan.unchanged.length,
        skipped: desired.skipped,
      };
      try {
        for (const p of plan.delete) {
          await api.deleteRule(p.ruleId);
          await ComplianceInterceptRule.deleteOne({ ruleId: p.ruleId });
          result.deleted++;
        }
        for (const u of plan.update) {
          await api.updateRule({
            ruleId: u.ruleId,
            ruleName: u.ruleName,
            wordList: u.words,
            interceptType: u.interceptType,
          });
          await ComplianceInterceptRule.updateOne(
            { ruleId: u.ruleId },
            {
              $set: {
                ruleName: u.ruleName,
                words: u.words,
                interceptType: u.interceptType,
                lexiconVersion: version,
              },
            },
          );
          result.updated++;
        }
        for (const a of plan.add) {
          const { ruleId } = await api.addRule({
            ruleName: a.ruleName,
            wordList: a.words,
            interceptType: a.interceptType,
            applicableRange: range,
          });
          await ComplianceInterceptRule.create({
            ruleId,
            ruleName: a.ruleName,
            words: a.words,
            interceptType: a.interceptType,
            lexiconVersion: version,
          });
          result.added++;
        }
      } catch (err) {
        result.error = (err as Error).message;
        deps.logger.error({ err, ...result, skipped: result.skipped.length }, 'intercept rule sync stopped');
        return result;
      }
      deps.logger.info({ ...result, skipped: result.skipped.length }, 'intercept rules synced');
      return result;
    },
  };
}
export type InterceptRuleSync = ReturnType<typeof createInterceptRuleSync>;
