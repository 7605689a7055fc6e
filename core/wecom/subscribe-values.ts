import { charCount, cutChars } from './builders.js';
import { messageInvalid } from './wecom.errors.js';

// Value rules of mini-program subscribe messages (subscribeMessage.send, wecom-protocol.md §5.3). A key
// is its type plus an index (`thing1`, `time2`, `character_string3`). Free text is cut client-side to
// the documented length; values with a format (numbers, dates, amounts, enums) are refused instead,
// because a cut number or date would state something false.

const isControl = (ch: string) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f;
const CJK = /^[\p{Script=Han}·]+$/u;

type Rule = (value: string, key: string, enumValues?: readonly string[]) => string;

const cut =
  (max: number): Rule =>
  (v) =>
    cutChars(v, max);
const match =
  (re: RegExp, what: string): Rule =>
  (v, key) => {
    if (!re.test(v)) throw messageInvalid(`data.${key}`, what);
    return v;
  };

const DATE = String.raw`(\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})`;
const TIME = String.raw`([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?`;
const TIME_RE = new RegExp(`^(${DATE}\\s*)?${TIME}(\\s*~\\s*(${DATE}\\s*)?${TIME})?$`);
const DATE_RE = new RegExp(`^${DATE}(\\s*${TIME})?(\\s*~\\s*${DATE}(\\s*${TIME})?)?$`);

export const SUBSCRIBE_RULES: Record<string, Rule> = {
  thing: cut(20),
  character_string: cut(32),
  phone_number: (v, key) => {
    if (!/^[\d+\-() ]+$/.test(v)) throw messageInvalid(`data.${key}`, 'digits and + - ( ) only');
    if (charCount(v) > 17) throw messageInvalid(`data.${key}`, 'at most 17 characters');
    return v;
  },
  car_number: (v, key) => {
    if (charCount(v) > 8) throw messageInvalid(`data.${key}`, 'at most 8 characters');
    return v;
  },
  number: match(/^-?\d{1,32}(\.\d+)?$/, 'a number of at most 32 digits'),
  letter: match(/^[A-Za-z]{1,32}$/, 'at most 32 letters'),
  symbol: match(/^[^\p{L}\p{N}\s]{1,5}$/u, 'at most 5 symbols'),
  time: match(TIME_RE, '24 h time, optionally with a date; ranges with ~'),
  date: match(DATE_RE, 'y年m月d日 or y-m-d, optionally with a time; ranges with ~'),
  amount: match(/^[¥$€£]?\d{1,10}(\.\d{1,2})?元?$/u, 'one currency symbol, at most 10 digits, optional 元'),
  name: (v, key) => {
    if (CJK.test(v)) return cutChars(v, 10);
    if (/^[A-Za-z .'-]+$/.test(v)) return cutChars(v, 20);
    throw messageInvalid(`data.${key}`, 'at most 10 Chinese characters or 20 letters');
  },
  phrase: (v, key) => {
    if (!CJK.test(v) || charCount(v) > 5) throw messageInvalid(`data.${key}`, 'at most 5 Chinese characters');
    return v;
  },
  enum: (v, key, allowed) => {
    if (allowed && !allowed.includes(v))
      throw messageInvalid(`data.${key}`, `must be one of ${allowed.join(', ')}`);
    return v;
  },
};

/** The type part of a data key: `thing1` → `thing`, `character_string12` → `character_string`. */
export function keyType(key: string): string {
  return key.replace(/\d+$/, '');
}

/**
 * Applies the per-type rules to every value: control characters (newlines) become spaces, free text is
 * cut, formatted values are checked. Unknown key types are refused so a template typo fails here, not
 * as an opaque 47003 from WeChat.
 */
export function applySubscribeRules(
  data: Record<string, string>,
  enums: Record<string, readonly string[]> = {},
): Record<string, { value: string }> {
  const out: Record<string, { value: string }> = {};
  for (const [key, raw] of Object.entries(data)) {
    const rule = SUBSCRIBE_RULES[keyType(key)];
    if (!rule) throw messageInvalid(`data.${key}`, 'unknown value type');
    const value = [...raw]
      .map((ch) => (isControl(ch) ? ' ' : ch))
      .join('')
      .trim();
    if (value === '') throw messageInvalid(`data.${key}`, 'empty');
    out[key] = { value: rule(value, key, enums[key]) };
  }
  return out;
}
