import type { NormalizedText } from './normalize.js';

/*
 * How negation is handled (the matcher must not flag a disclosure such as 不保证收益):
 *
 * A match of a rule is dropped as *negated* when, inside the same clause (clauses end at 。！？；，、：
 * and line breaks):
 *  1. a negation cue ends right before the match: a single-character cue (不 没 无 非 未 勿 别 莫) only
 *     when it touches the match (不保本, 非保本型); a longer cue (不能 无法 并非 不会 不要 禁止 严禁 谨防
 *     警惕 切勿 不承诺 不代表 …) when at most PRE_WINDOW characters lie between it and the match
 *     (不能向您保证收益, 不会承诺保本保息); or
 *  2. a refuting phrase follows the match within POST_WINDOW characters (稳赚不赔是不可能的,
 *     保本保息的说法是错误的, 保本保息纯属误导).
 * Not negations, and therefore still flagged:
 *  - intensifiers and idioms that begin with a negation character: 不仅 不但 不只 不光 不止 不管 不论
 *    无论 不得不 毫无疑问 …, and rhetorical questions (谁说不能保本, 难道不是稳赚): a cue that lies
 *    inside one of them is ignored (不仅保本保息，还…);
 *  - double negation: a cue directly preceded by another cue (不是不能保本, 没有不赔的) cancels out;
 *  - a cue in another clause (不用担心，保本保息).
 * Negation characters inside a pattern (稳赚不赔, 带病投保不影响理赔) are part of the phrase, never cues.
 * A rule can opt out with `negatable: false` for phrases that stay wrong even when negated.
 */

/** Characters of compact text allowed between a multi-character cue and the match. */
export const PRE_WINDOW = 4;
/** Characters of compact text allowed between the match and a refuting phrase. */
export const POST_WINDOW = 5;

const SINGLE_CUES = ['不', '没', '无', '非', '未', '勿', '别', '莫'];
const MULTI_CUES = [
  '不能',
  '不会',
  '不可',
  '不得',
  '不应',
  '不要',
  '不是',
  '不用',
  '不再',
  '不存在',
  '不承诺',
  '不保证',
  '不代表',
  '不等于',
  '不意味着',
  '不属于',
  '并非',
  '并不',
  '绝非',
  '绝不',
  '决不',
  '从不',
  '从未',
  '没有',
  '无法',
  '无需',
  '禁止',
  '严禁',
  '杜绝',
  '谨防',
  '警惕',
  '切勿',
  '切忌',
  '拒绝',
  '避免',
  '防止',
  '不要相信',
  '别相信',
  '不可信',
].sort((a, b) => b.length - a.length);

// Phrases that start with (or contain) a negation character but do not negate what follows.
const NOT_NEGATIONS = [
  '不仅',
  '不但',
  '不只',
  '不光',
  '不止',
  '不管',
  '不论',
  '无论',
  '不得不',
  '不外乎',
  '无疑',
  '毫无疑问',
  '不用担心',
  '不必担心',
  '无需担心',
  '别担心',
  '不用怕',
  '别怕',
  '不怕',
  '没问题',
  '没关系',
  '无忧',
  '不愁',
  // Rhetorical questions assert the opposite: 谁说不能保本 claims it can.
  '谁说不',
  '谁说没',
  '难道不',
  '岂不',
];

const POST_CUES = [
  '是不可能',
  '不可能',
  '不存在',
  '是假的',
  '是骗',
  '都是骗',
  '是谣言',
  '是误导',
  '纯属',
  '属于违规',
  '是违规',
  '说法是错',
  '说法错误',
  '说法不对',
  '是错误',
  '不靠谱',
  '不现实',
  '不成立',
];

interface Cue {
  from: number;
  to: number;
}

/** Positions of `phrase` in `text` between `lo` and `hi` (whole phrase inside the range). */
function occurrences(text: string, phrase: string, lo: number, hi: number): Cue[] {
  // Search a slice: indexOf on the whole text would scan to its end for every absent cue.
  const window = text.slice(lo, hi);
  const out: Cue[] = [];
  let at = window.indexOf(phrase);
  while (at !== -1) {
    out.push({ from: lo + at, to: lo + at + phrase.length });
    at = window.indexOf(phrase, at + 1);
  }
  return out;
}

function clauseStart(n: NormalizedText, pos: number): number {
  const c = n.clause[pos];
  let k = pos;
  while (k > 0 && n.clause[k - 1] === c) k--;
  return k;
}

function clauseEnd(n: NormalizedText, pos: number): number {
  const c = n.clause[pos];
  let k = pos;
  while (k < n.compact.length && n.clause[k] === c) k++;
  return k;
}

// A cue that starts inside one of these phrases belongs to it (不仅 → 不; 谁说不能 → 不能).
function insideNotNegation(text: string, cue: Cue, lo: number, hi: number): boolean {
  return NOT_NEGATIONS.some((p) =>
    occurrences(text, p, Math.max(0, lo - p.length), hi).some((o) => o.from <= cue.from && o.to > cue.from),
  );
}

/** The negation cue that governs a match starting at `start`, if any (see the rules above). */
function governingCue(n: NormalizedText, start: number): Cue | undefined {
  const text = n.compact;
  const lo = Math.max(clauseStart(n, start), start - PRE_WINDOW - 4);
  const candidates: Cue[] = [];
  for (const cue of MULTI_CUES) {
    for (const o of occurrences(text, cue, lo, start)) {
      if (start - o.to <= PRE_WINDOW) candidates.push(o);
    }
  }
  for (const cue of SINGLE_CUES) {
    if (start > lo && text.slice(start - 1, start) === cue) candidates.push({ from: start - 1, to: start });
  }
  // The cue nearest to the match governs it; among equals the longest.
  candidates.sort((a, b) => b.to - a.to || a.from - b.from);
  for (const cue of candidates) {
    if (insideNotNegation(text, cue, lo, start + 4)) continue;
    return cue;
  }
  return undefined;
}

/** Whether another cue ends exactly where `cue` starts (double negation: 不是不…, 没有不…). */
function doubled(n: NormalizedText, cue: Cue): boolean {
  if (cue.from === 0 || n.clause[cue.from - 1] !== n.clause[cue.from]) return false;
  const before = n.compact.slice(Math.max(0, cue.from - 4), cue.from);
  return [...MULTI_CUES, ...SINGLE_CUES].some((c) => before.endsWith(c));
}

/** True when the match [start, end) of compact text is negated or refuted in its clause. */
export function isNegated(n: NormalizedText, start: number, end: number): boolean {
  const cue = governingCue(n, start);
  if (cue && !doubled(n, cue)) return true;
  const hi = Math.min(clauseEnd(n, Math.max(start, end - 1)), end + POST_WINDOW + 4);
  const after = n.compact.slice(end, hi);
  return POST_CUES.some((p) => {
    const at = after.indexOf(p);
    return at !== -1 && at <= POST_WINDOW;
  });
}
