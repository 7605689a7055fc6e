import { isNegated } from './negation.js';
import { normalizeTerm, normalizeText, type NormalizedText } from './normalize.js';

export const SEVERITIES = ['block', 'warn'] as const;
/** block: an outgoing message is not sent; warn: it is sent and the hit is reviewed. */
export type Severity = (typeof SEVERITIES)[number];
export type Verdict = 'allow' | Severity;

/** What the matcher needs of a lexicon rule. */
export interface MatchRule {
  id: string;
  category: string;
  pattern: string;
  severity: Severity;
  alternative: string;
  /** false: the phrase is flagged even when negated (see negation.ts). */
  negatable: boolean;
}

/** One rule found in a text; `start`/`end` index the original text, `matchedText` quotes it. */
export interface RuleMatch<R extends MatchRule = MatchRule> {
  rule: R;
  start: number;
  end: number;
  matchedText: string;
}

export interface MatchResult<R extends MatchRule = MatchRule> {
  verdict: Verdict;
  hits: RuleMatch<R>[];
  /** Matches dropped as negated disclosures (不保证收益): kept so an admin can see why text passed. */
  negated: RuleMatch<R>[];
}

/**
 * Pattern syntax: a phrase (`保本保息`), or up to four phrases joined by `*`, each following the
 * previous one within MAX_GAP characters (`保证*收益` matches 保证您的收益). Spaces and punctuation in a
 * pattern are ignored like in messages, so `保本 保息` = `保本保息`.
 */
export const MAX_GAP = 8;
const MAX_TERMS = 4;

export type ParsedPattern = { ok: true; terms: string[]; literal: boolean } | { ok: false; reason: string };

/** Splits and normalizes a pattern; refuses patterns that would flag almost everything. */
export function parsePattern(pattern: string): ParsedPattern {
  const raw = pattern.split('*');
  if (raw.length > MAX_TERMS) return { ok: false, reason: `at most ${MAX_TERMS} parts joined by *` };
  const terms = raw.map(normalizeTerm);
  if (terms.some((t) => t.length === 0))
    return { ok: false, reason: 'empty part (letters or digits needed)' };
  if (terms.join('').length < 2) return { ok: false, reason: 'at least two characters' };
  return { ok: true, terms, literal: terms.length === 1 };
}

/** Aho–Corasick automaton over UTF-16 units of the compact text: one pass finds every term. */
class TermAutomaton {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  private readonly out: number[][] = [[]];

  add(term: string, id: number): void {
    let node = 0;
    for (let i = 0; i < term.length; i++) {
      const c = term.charCodeAt(i);
      let to = this.next[node]?.get(c);
      if (to === undefined) {
        to = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.out.push([]);
        this.next[node]?.set(c, to);
      }
      node = to;
    }
    this.out[node]?.push(id);
  }

  build(): void {
    const queue: number[] = [];
    for (const child of this.next[0]?.values() ?? []) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      for (const [c, child] of this.next[node] ?? []) {
        let f = this.fail[node] as number;
        while (f !== 0 && !this.next[f]?.has(c)) f = this.fail[f] as number;
        const target = this.next[f]?.get(c);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        // Merge outputs along the fail link so each node lists every term ending there.
        this.out[child]?.push(...(this.out[this.fail[child] as number] ?? []));
        queue.push(child);
      }
    }
  }

  /** Calls `onTerm(termId, endExclusive)` for every occurrence. */
  scan(text: string, onTerm: (id: number, end: number) => void): void {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (node !== 0 && !this.next[node]?.has(c)) node = this.fail[node] as number;
      node = this.next[node]?.get(c) ?? 0;
      const found = this.out[node];
      if (found && found.length > 0) for (const id of found) onTerm(id, i + 1);
    }
  }
}

interface CompiledRule<R extends MatchRule> {
  rule: R;
  termIds: number[];
}

/** A compiled lexicon. Build once per lexicon version; `match` is pure and allocation-light. */
export interface Matcher<R extends MatchRule = MatchRule> {
  readonly ruleCount: number;
  match(text: string): MatchResult<R>;
}

const SEVERITY_RANK: Record<Verdict, number> = { allow: 0, warn: 1, block: 2 };

/** Compiles rules into a matcher. Rules whose pattern does not parse are skipped (the API refuses them). */
export function compileMatcher<R extends MatchRule>(rules: readonly R[]): Matcher<R> {
  const automaton = new TermAutomaton();
  const termIndex = new Map<string, number>();
  const termLengths: number[] = [];
  const compiled: CompiledRule<R>[] = [];
  // First term → rules starting with it, so only rules whose first term occurs are evaluated.
  const byFirstTerm = new Map<number, CompiledRule<R>[]>();
  for (const rule of rules) {
    const parsed = parsePattern(rule.pattern);
    if (!parsed.ok) continue;
    const termIds = parsed.terms.map((t) => {
      let id = termIndex.get(t);
      if (id === undefined) {
        id = termLengths.length;
        termIndex.set(t, id);
        termLengths.push(t.length);
        automaton.add(t, id);
      }
      return id;
    });
    const c = { rule, termIds };
    compiled.push(c);
    const first = termIds[0] as number;
    const list = byFirstTerm.get(first) ?? [];
    list.push(c);
    byFirstTerm.set(first, list);
  }
  automaton.build();

  function findSpans(ids: number[], occ: Map<number, number[]>): { start: number; end: number }[] {
    const [first, ...rest] = ids;
    const spans: { start: number; end: number }[] = [];
    for (const end0 of occ.get(first as number) ?? []) {
      let cursor = end0;
      let ok = true;
      for (const id of rest) {
        const len = termLengths[id] as number;
        // Earliest occurrence starting at or after the cursor, within the gap.
        const nextEnd = (occ.get(id) ?? []).find((e) => e - len >= cursor && e - len - cursor <= MAX_GAP);
        if (nextEnd === undefined) {
          ok = false;
          break;
        }
        cursor = nextEnd;
      }
      if (ok) spans.push({ start: end0 - (termLengths[first as number] as number), end: cursor });
    }
    return spans;
  }

  function toMatch(n: NormalizedText, text: string, rule: R, s: number, e: number): RuleMatch<R> {
    const start = n.start[s] as number;
    const end = n.end[e - 1] as number;
    return { rule, start, end, matchedText: text.slice(start, end) };
  }

  return {
    ruleCount: compiled.length,
    match(text: string): MatchResult<R> {
      const n = normalizeText(text);
      const occ = new Map<number, number[]>();
      automaton.scan(n.compact, (id, end) => {
        const list = occ.get(id);
        if (list) list.push(end);
        else occ.set(id, [end]);
      });
      if (occ.size === 0) return { verdict: 'allow', hits: [], negated: [] };

      type Found = { c: CompiledRule<R>; s: number; e: number };
      const found: Found[] = [];
      const negatedFound: Found[] = [];
      for (const firstId of occ.keys()) {
        for (const c of byFirstTerm.get(firstId) ?? []) {
          for (const span of findSpans(c.termIds, occ)) {
            const f = { c, s: span.start, e: span.end };
            if (c.rule.negatable && isNegated(n, span.start, span.end)) negatedFound.push(f);
            else found.push(f);
          }
        }
      }
      // A match inside a longer match of another rule that is at least as severe says nothing new
      // (稳赚 inside 稳赚不赔); the same rule found twice is reported once.
      const kept = found.filter(
        (f, i) =>
          !found.some(
            (g, j) =>
              j !== i &&
              g.s <= f.s &&
              g.e >= f.e &&
              (g.e - g.s > f.e - f.s || (g.c === f.c && j < i)) &&
              SEVERITY_RANK[g.c.rule.severity] >= SEVERITY_RANK[f.c.rule.severity],
          ),
      );
      const seen = new Set<CompiledRule<R>>();
      const hits: RuleMatch<R>[] = [];
      let verdict: Verdict = 'allow';
      for (const f of kept.sort((a, b) => a.s - b.s)) {
        if (seen.has(f.c)) continue;
        seen.add(f.c);
        hits.push(toMatch(n, text, f.c.rule, f.s, f.e));
        if (SEVERITY_RANK[f.c.rule.severity] > SEVERITY_RANK[verdict]) verdict = f.c.rule.severity;
      }
      const negated = negatedFound
        .filter((f) => !seen.has(f.c))
        .map((f) => toMatch(n, text, f.c.rule, f.s, f.e));
      return { verdict, hits, negated };
    },
  };
}
