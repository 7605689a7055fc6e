import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { RuleRecord } from '#core/compliance/compliance.repository';
import { createComplianceRepository } from '#core/compliance/compliance.repository';
import { createComplianceService } from '#core/compliance/compliance.service';
import {
  INTERCEPT_LIMITS,
  createInterceptRuleSync,
  desiredInterceptRules,
  interceptRuleApiFromWecomClient,
  planInterceptSync,
  type InterceptRuleApi,
} from '#core/compliance/intercept-sync';
import { silentLogger } from '#core/logger';
import { createUserRepository } from '#core/user/user.repository';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();

/** WeCom's intercept-rule API as a fake that enforces WeCom's limits and records every call. */
class FakeInterceptRules implements InterceptRuleApi {
  readonly rules = new Map<string, { ruleName: string; wordList: string[]; interceptType: 1 | 2 }>();
  readonly calls: string[] = [];
  failOnAdd: number | undefined;
  private adds = 0;

  private check(ruleName: string, wordList: string[]) {
    if ([...ruleName].length < 1 || [...ruleName].length > INTERCEPT_LIMITS.maxNameLength)
      throw new Error(`40058 rule_name ${ruleName}`);
    if (wordList.length < 1 || wordList.length > INTERCEPT_LIMITS.wordsPerRule)
      throw new Error(`40058 ${wordList.length} words`);
    for (const w of wordList)
      if ([...w].length > INTERCEPT_LIMITS.maxWordLength) throw new Error(`40058 word ${w}`);
  }

  async addRule(r: Parameters<InterceptRuleApi['addRule']>[0]) {
    this.adds++;
    if (this.failOnAdd === this.adds) throw new Error('errcode -1 system busy');
    this.check(r.ruleName, r.wordList);
    if (this.rules.size >= INTERCEPT_LIMITS.maxRules) throw new Error('rule count limit');
    if (!r.applicableRange.departmentList?.length && !r.applicableRange.userList?.length)
      throw new Error('no range');
    const ruleId = `rule_${randomBytes(4).toString('hex')}`;
    this.rules.set(ruleId, { ruleName: r.ruleName, wordList: r.wordList, interceptType: r.interceptType });
    this.calls.push(`add ${r.ruleName}`);
    return { ruleId };
  }

  async updateRule(r: Parameters<InterceptRuleApi['updateRule']>[0]) {
    this.check(r.ruleName, r.wordList);
    if (!this.rules.has(r.ruleId)) throw new Error('invalid rule_id');
    this.rules.set(r.ruleId, { ruleName: r.ruleName, wordList: r.wordList, interceptType: r.interceptType });
    this.calls.push(`update ${r.ruleName}`);
  }

  async deleteRule(ruleId: string) {
    const r = this.rules.get(ruleId);
    if (!r) throw new Error('invalid rule_id');
    this.rules.delete(ruleId);
    this.calls.push(`delete ${r.ruleName}`);
  }

  words(): string[] {
    return [...this.rules.values()].flatMap((r) => r.wordList).sort();
  }
}

let n = 0;
function rule(category: string, pattern: string, over: Partial<RuleRecord> = {}): RuleRecord {
  n++;
  return {
    id: `r${n}`,
    category,
    pattern,
    severity: 'block',
    alternative: '',
    negatable: true,
    active: true,
    note: undefined,
    source: 'custom',
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...over,
  };
}

describe('desiredInterceptRules', () => {
  test('when the lexicon mixes severities and pattern kinds, then only active block phrases become words, one rule per category', () => {
    const { rules, skipped } = desiredInterceptRules([
      rule('收益承诺', '保本保息'),
      rule('收益承诺', '稳赚 不赔'),
      rule('收益承诺', '保证*收益'),
      rule('收益承诺', '保本', { severity: 'warn' }),
      rule('违规返佣', '返佣'),
      rule('违规返佣', '退佣', { active: false }),
    ]);
    expect(rules).toEqual([
      { ruleName: '企保-收益承诺', words: ['保本保息', '稳赚不赔'], interceptType: 1 },
      { ruleName: '企保-违规返佣', words: ['返佣'], interceptType: 1 },
    ]);
    expect(skipped).toEqual([{ word: '保证*收益', reason: 'not_literal' }]);
  });

  test('when a category has more than 300 words, then it is split into rules of at most 300', () => {
    const many = Array.from({ length: 650 }, (_, i) =>
      rule('收益承诺', `承诺收益${String(i).padStart(3, '0')}`),
    );
    const { rules } = desiredInterceptRules(many);
    expect(rules.map((r) => [r.ruleName, r.words.length])).toEqual([
      ['企保-收益承诺-1', 300],
      ['企保-收益承诺-2', 300],
      ['企保-收益承诺-3', 50],
    ]);
  });

  test('when categories need more rules than the budget, then words are packed and the excess is reported, never sent', () => {
    const lexicon = [
      ...Array.from({ length: 250 }, (_, i) => rule('甲', `甲类词${i}`)),
      ...Array.from({ length: 250 }, (_, i) => rule('乙', `乙类词${i}`)),
      ...Array.from({ length: 250 }, (_, i) => rule('丙', `丙类词${i}`)),
    ];
    const { rules, skipped } = desiredInterceptRules(lexicon, 2);
    expect(rules).toHaveLength(2);
    expect(rules.every((r) => r.words.length <= 300 && [...r.ruleName].length <= 20)).toBe(true);
    expect(rules.flatMap((r) => r.words)).toHaveLength(600);
    expect(skipped.filter((s) => s.reason === 'over_limit')).toHaveLength(150);
  });

  test('when a phrase is longer than 32 characters, then it is skipped as too_long', () => {
    const long = '这'.repeat(33);
    expect(desiredInterceptRules([rule('x', long)]).skipped).toEqual([{ word: long, reason: 'too_long' }]);
  });
});

describe('planInterceptSync', () => {
  test('when WeCom holds changed, missing and obsolete rules, then the plan updates, adds and deletes only those', () => {
    const plan = planInterceptSync(
      [
        { ruleName: '企保-收益承诺', words: ['保本保息', '稳赚不赔'], interceptType: 1 },
        { ruleName: '企保-违规返佣', words: ['返佣'], interceptType: 1 },
        { ruleName: '企保-误导理赔', words: ['包赔'], interceptType: 1 },
      ],
      [
        { ruleId: 'a', ruleName: '企保-收益承诺', words: ['稳赚不赔', '保本保息'], interceptType: 1 },
        { ruleId: 'b', ruleName: '企保-违规返佣', words: ['返佣', '退佣'], interceptType: 1 },
        { ruleId: 'c', ruleName: '企保-停售炒作', words: ['马上停售'], interceptType: 1 },
      ],
    );
    expect(plan.unchanged.map((p) => p.ruleId)).toEqual(['a']);
    expect(plan.update).toEqual([
      { ruleId: 'b', ruleName: '企保-违规返佣', words: ['返佣'], interceptType: 1 },
    ]);
    expect(plan.add.map((a) => a.ruleName)).toEqual(['企保-误导理赔']);
    expect(plan.delete.map((d) => d.ruleId)).toEqual(['c']);
  });
});

describe('intercept rule sync against a fake WeCom', () => {
  function setup() {
    const models = db().models;
    const compliance = createComplianceService({
      repo: createComplianceRepository(models),
      users: createUserRepository(models),
      clock: () => new Date(),
    });
    const api = new FakeInterceptRules();
    const sync = createInterceptRuleSync({ models, api, lexicon: compliance, logger: silentLogger() });
    return { compliance, api, sync };
  }
  const admin = {
    kind: 'staff' as const,
    userId: '65c000000000000000000001',
    role: 'admin' as const,
    scope: { level: 'all' as const },
  };

  test('when the lexicon is pushed, changed and pushed again, then WeCom gets exactly the difference', async () => {
    const { compliance, api, sync } = setup();
    await db().models.ComplianceInterceptRule.deleteMany({});

    const first = await sync.sync();
    expect(first.error).toBeUndefined();
    expect(first.added).toBe(api.rules.size);
    expect(api.words()).toEqual(expect.arrayContaining(['保本保息', '稳赚不赔', '返佣']));
    expect(api.words()).not.toContain('保本'); // warn severity stays out of WeCom's blocking rules

    api.calls.length = 0;
    const again = await sync.sync();
    expect(again).toMatchObject({ added: 0, updated: 0, deleted: 0, unchanged: first.added });
    expect(api.calls).toEqual([]);

    // One category gains a word; another loses its last block word.
    await compliance.createRule(admin, {
      category: '收益承诺',
      pattern: '保证年年分红',
      severity: 'block',
      alternative: '',
      negatable: true,
      active: true,
    });
    const { items } = await compliance.listRules(admin, { category: '混淆产品' });
    for (const r of items.filter((r) => r.severity === 'block'))
      await compliance.updateRule(admin, r.id, { severity: 'warn' });

    api.calls.length = 0;
    const changed = await sync.sync();
    expect(api.calls.sort()).toEqual(['delete 企保-混淆产品', 'update 企保-收益承诺']);
    expect(changed).toMatchObject({ added: 0, updated: 1, deleted: 1 });
    expect(api.words()).toContain('保证年年分红');
    expect(api.words()).not.toContain('和存款一样');
    const stored = await sync.pushed();
    expect(stored.map((s) => s.ruleId).sort()).toEqual([...api.rules.keys()].sort());
  });

  test('when WeCom fails halfway, then what succeeded is recorded and the next sync finishes without duplicates', async () => {
    const { api, sync } = setup();
    await db().models.ComplianceInterceptRule.deleteMany({});
    api.failOnAdd = 3;
    const broken = await sync.sync();
    expect(broken.error).toContain('system busy');
    expect(broken.added).toBe(2);
    expect((await sync.pushed()).length).toBe(2);

    api.failOnAdd = undefined;
    const healed = await sync.sync();
    expect(healed.error).toBeUndefined();
    const names = [...api.rules.values()].map((r) => r.ruleName);
    expect(new Set(names).size).toBe(names.length);
    expect((await sync.pushed()).length).toBe(api.rules.size);
    expect(healed.unchanged).toBe(2);
  });
});

describe('interceptRuleApiFromWecomClient', () => {
  test('when adapting the WeCom client, then calls use WeCom field names and the rule_id comes back', async () => {
    const sent: unknown[] = [];
    const api = interceptRuleApiFromWecomClient({
      addInterceptRule: async (r) => (sent.push(r), { errcode: 0, rule_id: 'r1' }),
      updateInterceptRule: async (r) => sent.push(r),
      deleteInterceptRule: async (id) => sent.push(id),
    });
    expect(
      await api.addRule({
        ruleName: '企保-x',
        wordList: ['返佣'],
        interceptType: 1,
        applicableRange: { departmentList: [1] },
      }),
    ).toEqual({ ruleId: 'r1' });
    await api.updateRule({ ruleId: 'r1', ruleName: '企保-x', wordList: ['退佣'], interceptType: 1 });
    await api.deleteRule('r1');
    expect(sent).toEqual([
      {
        rule_name: '企保-x',
        word_list: ['返佣'],
        intercept_type: 1,
        applicable_range: { department_list: [1] },
      },
      { rule_id: 'r1', rule_name: '企保-x', word_list: ['退佣'], intercept_type: 1 },
      'r1',
    ]);
  });
});
