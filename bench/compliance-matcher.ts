// Throughput of the compliance matcher: how many messages a second one process checks against a
// lexicon of a few hundred rules. Run: npm run bench:compliance [-- --seconds 3 --rules 400]
import { parseArgs } from 'node:util';
import { DEFAULT_RULES } from '#core/compliance/default-lexicon';
import { compileMatcher, type MatchRule } from '#core/compliance/matcher';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '2' }, rules: { type: 'string', default: '400' } },
});
const seconds = Number(values.seconds);
const ruleTarget = Number(values.rules);

// Deterministic pseudo-random numbers, so two runs measure the same work.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const CHARS =
  '保险理赔收益分红本金利率投资风险客户产品合同条款年金重疾医疗意外寿险增额终身返还现金价值缴费期限';
const rules: MatchRule[] = DEFAULT_RULES.map((r, i) => ({ ...r, id: `d${i}`, negatable: true }));
while (rules.length < ruleTarget) {
  const len = 3 + Math.floor(rand() * 3);
  let phrase = '';
  for (let k = 0; k < len; k++) phrase += pick([...CHARS]);
  const pattern = rand() < 0.2 ? `${phrase.slice(0, 2)}*${phrase.slice(2)}` : phrase;
  rules.push({
    id: `s${rules.length}`,
    category: '测试',
    pattern,
    severity: 'warn',
    alternative: '',
    negatable: true,
  });
}

const TEMPLATES = [
  '张先生您好，您的保单将于12月5日到期，请及时续保，如有疑问请联系我。',
  '李女士，生日快乐！祝您和家人身体健康，万事如意。',
  '您好，理赔资料已收到，目前正在审核中，预计3个工作日内有结果。',
  '这款年金产品的保证利益以合同为准，分红不确定，演示利益不代表实际收益。',
  '王总，这款产品保 本 保 息，稳赚不赔，现在买还能给您返佣10%！',
  '本产品不保证收益，过往业绩不代表未来表现，请仔细阅读条款。',
  '明天下午三点到您公司拜访，顺便聊聊孩子的教育金规划。',
  '穩賺不賠的好產品，帶病投保也不影響理賠，錯過就沒了😀😀',
];
const messages = Array.from(
  { length: 1000 },
  (_, i) => `${pick(TEMPLATES)}${i % 7 === 0 ? pick(TEMPLATES) : ''}`,
);
const avgChars = messages.reduce((s, m) => s + m.length, 0) / messages.length;

const t0 = performance.now();
const matcher = compileMatcher(rules);
const compileMs = performance.now() - t0;

// Warm-up so the JIT and the normalizer's character cache do not count against the measurement.
for (const m of messages) matcher.match(m);

let checked = 0;
let flagged = 0;
const start = performance.now();
const deadline = start + seconds * 1000;
while (performance.now() < deadline) {
  for (const m of messages) if (matcher.match(m).verdict !== 'allow') flagged++;
  checked += messages.length;
}
const elapsed = (performance.now() - start) / 1000;
const perSecond = checked / elapsed;

process.stdout.write(
  [
    `compliance matcher bench (Node ${process.version})`,
    `  rules compiled:   ${matcher.ruleCount} in ${compileMs.toFixed(1)} ms`,
    `  messages:         ${checked} in ${elapsed.toFixed(2)} s (avg ${avgChars.toFixed(0)} chars, ${((flagged / checked) * 100).toFixed(0)}% flagged)`,
    `  throughput:       ${Math.round(perSecond).toLocaleString('en-US')} messages/s, ${Math.round((perSecond * avgChars) / 1000).toLocaleString('en-US')}k chars/s`,
    '',
  ].join('\n'),
);
