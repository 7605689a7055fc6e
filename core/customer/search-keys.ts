import { pinyin } from 'pinyin-pro';

/**
 * Search keys for a Chinese name, stored on the customer because FerretDB has no text index:
 * initials (`张三` → `zs`) and full pinyin without tones (`zhangsan`). Surname mode reads 单/曾/仇
 * the way surnames are read (单 → shan).
 */
export function nameSearchKeys(name: string): { initials: string; full: string } {
  const opts = { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' } as const;
  const initials = pinyin(name, { ...opts, pattern: 'first' })
    .join('')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();
  const full = pinyin(name, opts)
    .join('')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();
  return { initials, full };
}

/** Escapes a user string for use inside a RegExp (search input is never a pattern). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
