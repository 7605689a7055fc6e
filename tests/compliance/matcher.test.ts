import { describe, expect, test } from 'vitest';
import { DEFAULT_RULES } from '#core/compliance/default-lexicon';
import { compileMatcher, parsePattern, type MatchRule, type Verdict } from '#core/compliance/matcher';
import { normalizeText } from '#core/compliance/normalize';

const rules: MatchRule[] = DEFAULT_RULES.map((r, i) => ({
  ...r,
  id: `r${i}`,
  negatable: r.negatable ?? true,
}));
const matcher = compileMatcher(rules);

// [text, expected verdict, pattern of the rule expected among the hits (for block/warn)]
type Row = [string, Verdict, string?];

const evasions: Row[] = [
  ['这款产品保本保息，放心买', 'block', '保本保息'],
  ['保 本 保 息', 'block', '保本保息'],
  ['保-本-保-息', 'block', '保本保息'],
  ['保.本.保.息', 'block', '保本保息'],
  ['保😀本😀保😀息', 'block', '保本保息'],
  ['保\u200b本\u200b保\u200b息', 'block', '保本保息'],
  ['保，本，保，息', 'block', '保本保息'],
  ['保本\n保息', 'block', '保本保息'],
  ['［保本保息］', 'block', '保本保息'],
  ['穩賺不賠的好產品', 'block', '稳赚不赔'],
  ['稳 赚 不 赔', 'block', '稳赚不赔'],
  ['帶病投保不影響理賠', 'block', '带病投保*不影响理赔'],
  ['带病投保也不影响理赔哦', 'block', '带病投保*不影响理赔'],
  ['１００％保本', 'block', '100%保本'],
  ['1O0%保本', 'block', '100%保本'],
  ['l00%保本', 'block', '100%保本'],
  ['①⓪⓪%保本', 'block', '100%保本'],
  ['٣ 100%保本', 'block', '100%保本'],
  ['我们保证您的收益', 'block', '保证*收益'],
  ['我保证，年化收益很高', 'block', '保证*收益'],
  ['给您返佣10%', 'block', '返佣'],
  ['返 佣 二 十 个 点', 'block', '返佣'],
  ['保费可以打八折', 'block', '保费*打*折'],
  ['这个险种什么都保', 'block', '什么都保'],
  ['零风险，放心', 'block', '零风险'],
  ['健康告知随便填就行', 'block', '健康告知*随便填'],
  ['您不用做健康告知', 'block', '不用*健康告知'],
  ['隐瞒一下病史没事', 'block', '隐瞒*病史'],
  ['别家都是骗人的', 'block', '别家*都是骗'],
  ['这个和存款一样安全', 'block', '和存款一样'],
];

const negationTraps: Row[] = [
  // Intensifiers, idioms and double negation that begin with a negation character: still flagged.
  ['不仅保本保息，还有分红', 'block', '保本保息'],
  ['不但稳赚不赔，收益还高', 'block', '稳赚不赔'],
  ['不用担心，保本保息', 'block', '保本保息'],
  ['不用担心保本保息', 'block', '保本保息'],
  ['不得不说，这款稳赚不赔', 'block', '稳赚不赔'],
  ['不得不保本', 'warn', '保本'],
  ['不是不能保本', 'warn', '保本'],
  ['无论如何都稳赚', 'block', '稳赚'],
  ['不管怎样我们保证收益', 'block', '保证*收益'],
  ['谁说不能保本保息？我们就能', 'block', '保本保息'],
  ['难道不是稳赚不赔吗', 'block', '稳赚不赔'],
  // Negation in another clause does not govern the phrase.
  ['不骗您，保本保息', 'block', '保本保息'],
];

const disclosures: Row[] = [
  ['本产品不保证收益，过往业绩不代表未来表现', 'allow'],
  ['不保证收益', 'allow'],
  ['我们不能向您保证收益', 'allow'],
  ['公司不会承诺保本保息', 'allow'],
  ['本产品不保本，投资有风险', 'allow'],
  ['非保本型产品，请谨慎选择', 'allow'],
  ['稳赚不赔是不可能的', 'allow'],
  ['保本保息的说法是错误的', 'allow'],
  ['请警惕保本保息的宣传', 'allow'],
  ['严禁向客户返佣', 'allow'],
  ['我们从不返佣', 'allow'],
  ['没有无风险的投资', 'allow'],
  ['世上没有零风险的理财', 'allow'],
  ['并非稳赚不赔，请理性看待', 'allow'],
  ['切勿隐瞒病史，请如实告知', 'allow'],
  ['不要相信别家都是骗子的说法', 'allow'],
  ['不存在什么都保的保险', 'allow'],
  ['分红不确定，演示利益不代表实际收益', 'allow'],
  ['合同列明的保证利益以条款为准', 'allow'],
  ['禁止承诺收益', 'allow'],
];

const unrelated: Row[] = [
  ['张先生您好，您的保单将于12月5日到期，请及时续保', 'allow'],
  ['生日快乐！祝您身体健康', 'allow'],
  ['理赔资料已收到，正在审核中', 'allow'],
  ['明天下午三点拜访，聊教育金规划', 'allow'],
  ['保险期间内发生保险事故，按合同约定给付', 'allow'],
  ['保费已到账，谢谢', 'allow'],
  ['本息合计请以合同为准', 'allow'],
  ['今天天气不错', 'allow'],
  ['', 'allow'],
  ['👍👍👍', 'allow'],
  ['The policy renews on 2026-12-05.', 'allow'],
  ['赚钱不容易，保障要趁早', 'allow'],
];

const warns: Row[] = [
  ['这款产品马上停售了', 'warn', '马上停售'],
  ['比存款还划算', 'warn', '比存款*划算'],
  ['听说那家快倒闭了', 'warn', '快倒闭'],
  ['这个产品保本', 'warn', '保本'],
  ['住院费用全额报销', 'warn', '全额报销'],
];

const table: Row[] = [...evasions, ...negationTraps, ...disclosures, ...unrelated, ...warns];

describe('compliance matcher against the default lexicon', () => {
  test('the table has at least 60 texts', () => {
    expect(table.length).toBeGreaterThanOrEqual(60);
  });

  test.each(table)('when the text is %j, then the verdict is %s', (text, verdict, pattern) => {
    const result = matcher.match(text);
    expect(result.verdict).toBe(verdict);
    if (pattern) expect(result.hits.map((h) => h.rule.pattern)).toContain(pattern);
    if (verdict === 'allow') expect(result.hits).toEqual([]);
  });

  test('when a phrase is matched, then the hit quotes the original characters, separators included', () => {
    const text = '您好！这款保-本-保-息的产品';
    const [hit] = matcher.match(text).hits;
    expect(hit?.matchedText).toBe('保-本-保-息');
    expect(text.slice(hit!.start, hit!.end)).toBe('保-本-保-息');
  });

  test('when a disclosure negates a phrase, then it is reported as negated, not as a hit', () => {
    const result = matcher.match('本产品不保证收益');
    expect(result.hits).toEqual([]);
    expect(result.negated.map((h) => h.rule.pattern)).toEqual(['保证*收益']);
  });

  test('when a longer rule contains a shorter one of no higher severity, then only the longer is reported', () => {
    const result = matcher.match('稳赚不赔');
    expect(result.hits.map((h) => h.rule.pattern)).toEqual(['稳赚不赔']);
  });

  test('when a rule opts out of negation, then a negated phrase is still flagged', () => {
    const strict = compileMatcher([
      { id: 'x', category: '测试', pattern: '返佣', severity: 'block', alternative: '', negatable: false },
    ]);
    expect(strict.match('我们不返佣').verdict).toBe('block');
  });

  test('when terms of a * pattern are further apart than the gap, then they do not match', () => {
    expect(matcher.match('保证在三十天内完成回访，关于今年的理财收益').verdict).toBe('allow');
  });
});

describe('parsePattern', () => {
  test('when a pattern has separators, then they fold away like in messages', () => {
    expect(parsePattern('保本 保息')).toEqual({ ok: true, terms: ['保本保息'], literal: true });
    expect(parsePattern('保證*收益')).toEqual({ ok: true, terms: ['保证', '收益'], literal: false });
  });

  test('when a pattern is too short or has an empty part, then it is refused', () => {
    expect(parsePattern('保').ok).toBe(false);
    expect(parsePattern('保证**收益').ok).toBe(false);
    expect(parsePattern('!!!').ok).toBe(false);
    expect(parsePattern('a*b*c*d*e').ok).toBe(false);
  });
});

describe('normalizeText', () => {
  test('when text mixes widths, case, scripts and look-alike digits, then it folds to one form', () => {
    expect(normalizeText('ＡＢＣ 穩賺 1O0％ ①').compact).toBe('abc稳赚100%1');
  });

  test('when a clause ends, then the clause number changes', () => {
    const n = normalizeText('不，保本');
    expect(n.compact).toBe('不保本');
    expect(n.clause[0]).not.toBe(n.clause[1]);
  });
});
