import { Converter } from 'opencc-js/t2cn';

/**
 * Text as the matcher sees it. `compact` keeps only letters, digits and `%`, folded to one form
 * (half-width, lower case, simplified Chinese, ASCII digits); everything an agent can slip between
 * characters to dodge a word list (spaces, punctuation, emoji, zero-width characters) is gone.
 * `start[i]`/`end[i]` give the original UTF-16 range of compact character i, so a hit can quote the
 * original words; `clause[i]` numbers the clause it sits in (negation never reaches across clauses).
 */
export interface NormalizedText {
  compact: string;
  start: number[];
  end: number[];
  clause: number[];
}

// Traditional → simplified through OpenCC's dictionaries. Done per character and memoised: the
// lexicon is simplified phrases, a per-character fold is enough to match them, and it keeps the
// matcher at hundreds of thousands of characters a second (a whole-string OpenCC pass is ~10× slower).
const toSimplifiedVariants = [
  Converter({ from: 't', to: 'cn' }),
  Converter({ from: 'tw', to: 'cn' }),
  Converter({ from: 'hk', to: 'cn' }),
];

function simplifiedChar(ch: string): string {
  for (const convert of toSimplifiedVariants) {
    const out = convert(ch);
    if (out !== ch) return out;
  }
  return ch;
}

// Ends of a clause: a negation cue before them does not govern what follows.
const CLAUSE_BREAK = /[。！？!?；;，,、：:\n\r…]/u;
// Dropped before matching. `%` is kept because "100%保本" differs from "100保本".
const SEPARATOR = /[\s\p{P}\p{S}\p{Cf}\p{Mn}\p{Me}\p{Cc}\p{Co}\p{Zs}]/u;

// Decimal digits of other scripts (NFKC leaves them alone): the zero of each block.
const DIGIT_ZEROS = [
  0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0e50, 0x0ed0, 0x1040, 0x17e0, 0x1810,
];

type Folded = { kind: 'text'; text: string } | { kind: 'separator'; clauseBreak: boolean };
const foldCache = new Map<string, Folded>();

/** Folds one code point: NFKC (full-width → half-width, ① → 1, 𝟘 → 0), case, simplified, digits. */
function foldCodePoint(cp: string): Folded {
  const cached = foldCache.get(cp);
  if (cached) return cached;
  let result: Folded;
  if (CLAUSE_BREAK.test(cp)) result = { kind: 'separator', clauseBreak: true };
  else {
    let text = '';
    for (const ch of cp.normalize('NFKC')) {
      if (CLAUSE_BREAK.test(ch)) continue;
      if (ch === '%') {
        text += ch;
        continue;
      }
      if (SEPARATOR.test(ch)) continue;
      const code = ch.codePointAt(0) ?? 0;
      const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9);
      if (zero !== undefined) {
        text += String(code - zero);
        continue;
      }
      text += simplifiedChar(ch.toLowerCase());
    }
    result = text === '' ? { kind: 'separator', clauseBreak: false } : { kind: 'text', text };
  }
  // Bounded: a flood of rare characters must not grow the cache without limit.
  if (foldCache.size < 50_000) foldCache.set(cp, result);
  return result;
}

// Letters that stand in for digits next to a digit ("1O0%" → "100%", "l00" → "100").
const DIGIT_LOOKALIKES: Record<string, string> = { o: '0', 〇: '0', l: '1', i: '1', '|': '1' };
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Normalizes `text` for matching; see `NormalizedText`. Linear in the text length. */
export function normalizeText(text: string): NormalizedText {
  const chars: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  const clause: number[] = [];
  let clauseNo = 0;
  let i = 0;
  for (const cp of text) {
    const folded = foldCodePoint(cp);
    const from = i;
    i += cp.length;
    if (folded.kind === 'separator') {
      if (folded.clauseBreak) clauseNo++;
      continue;
    }
    // Per UTF-16 unit, so indexes into `compact` and into these arrays agree (astral CJK included).
    for (let u = 0; u < folded.text.length; u++) {
      chars.push(folded.text[u] as string);
      start.push(from);
      end.push(i);
      clause.push(clauseNo);
    }
  }
  // Second pass, because a look-alike is a digit only when a neighbour is one.
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k] as string;
    const digit = DIGIT_LOOKALIKES[c];
    if (digit && (isDigit(chars[k - 1]) || isDigit(chars[k + 1]))) chars[k] = digit;
  }
  return { compact: chars.join(''), start, end, clause };
}

/** The compact form of a lexicon pattern term (same folding as messages, so both meet in the middle). */
export function normalizeTerm(term: string): string {
  return normalizeText(term).compact;
}
