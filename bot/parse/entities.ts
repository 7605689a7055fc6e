import type { InteractionType } from '../types.js';

// Entities in an agent's sentence: phones, interaction type words and needs keywords. Everything here is
// plain string work on bounded input; nothing becomes a query operator or a pattern.

const MOBILE_RE = /(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?!\d)/u;

/** The first mainland mobile in `text` (digits only, 11 long) and where it was. */
export function findMobile(text: string): { digits: string; text: string; index: number } | undefined {
  const m = MOBILE_RE.exec(text);
  if (!m) return undefined;
  return { digits: (m[1] ?? '').replace(/[\s-]/g, ''), text: m[0], index: m.index };
}

// Longest words first, so 打电话 wins over 电话.
const TYPE_WORDS: [string, InteractionType][] = [
  ['打电话', 'call'],
  ['电话', 'call'],
  ['通话', 'call'],
  ['致电', 'call'],
  ['来电', 'call'],
  ['上门', 'visit'],
  ['拜访', 'visit'],
  ['走访', 'visit'],
  ['见面', 'meeting'],
  ['会面', 'meeting'],
  ['面谈', 'meeting'],
  ['约见', 'meeting'],
  ['吃饭', 'meeting'],
  ['微信', 'wechat'],
  ['企微', 'wechat'],
  ['聊天', 'wechat'],
  ['短信', 'sms'],
  ['邮件', 'email'],
  ['邮箱', 'email'],
];

/** The interaction type a sentence names (拜访 → visit), with the word used. */
export function findInteractionType(text: string): { type: InteractionType; word: string } | undefined {
  let best: { type: InteractionType; word: string; index: number } | undefined;
  for (const [word, type] of TYPE_WORDS) {
    const i = text.indexOf(word);
    if (i >= 0 && (!best || i < best.index || (i === best.index && word.length > best.word.length)))
      best = { type, word, index: i };
  }
  return best ? { type: best.type, word: best.word } : undefined;
}

/** Needs keywords → the tag they become (on the interaction and the customer's soft info). */
export const NEED_KEYWORDS: [RegExp, string][] = [
  [/教育|留学|出国读书|读书|上学|学费|升学|大学/u, '教育金'],
  [/养老|退休|晚年/u, '养老'],
  [/父母身体|住院|体检|生病|看病|手术|医疗|医保/u, '健康医疗'],
  [/房贷|车贷|负债|家庭责任|顶梁柱/u, '寿险保障'],
  [/重疾|癌症|大病|肿瘤/u, '重疾保障'],
  [/意外|出差|开车|自驾/u, '意外保障'],
  [/理财|存钱|储蓄|增值|收益/u, '理财储蓄'],
  [/传承|遗产|财富规划/u, '财富传承'],
  [/二胎|怀孕|生宝宝|新生儿/u, '少儿保障'],
];

/** The needs tags a text reveals, in a stable order. */
export function findNeeds(text: string): string[] {
  return NEED_KEYWORDS.filter(([re]) => re.test(text)).map(([, tag]) => tag);
}

/** A policy number as agencies write them: letters and digits, at least 6 long, with a digit. */
export function looksLikePolicyNumber(s: string): boolean {
  return /^[A-Za-z0-9-]{6,40}$/.test(s) && /\d/.test(s) && !/^\d{4}$/.test(s) && !/^1[3-9]\d{9}$/.test(s);
}

/**
 * A customer's name at the start of `text`: Chinese characters (with ·), or a pinyin/Latin word. Stops at
 * whitespace, punctuation, digits and the particle 的 (张三的保单).
 */
export function leadingName(text: string): { name: string; rest: string } | undefined {
  const m = /^([\p{Script=Han}·]{1,12}?|[A-Za-z][A-Za-z.]{0,29})(?=$|[\s,，。.；;:：!！?？、]|的|\d)/u.exec(
    text,
  );
  if (!m?.[1]) return undefined;
  const name = m[1];
  return { name, rest: text.slice(name.length).replace(/^[\s,，、:：]+/u, '') };
}
