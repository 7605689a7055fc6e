import type { CustomerRef, HelpReason, Intent } from '../types.js';
import { parseDate } from './dates.js';
import {
  findInteractionType,
  findMobile,
  findNeeds,
  leadingName,
  looksLikePolicyNumber,
} from './entities.js';

/** Longest message the bot reads; longer ones are answered with a request to split them. */
export const MAX_INPUT_CHARS = 1000;

/**
 * Normalizes what a chat client may send: NFKC (full-width digits and letters), no control or
 * zero-width characters, single spaces.
 */
export function normalizeInput(raw: string): string {
  return (
    raw
      .normalize('NFKC')
      // Control characters (\p{Cc}), zero-width and direction marks become spaces.
      .replace(/[\p{Cc}\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/gu, ' ')
      .replace(/\s+/gu, ' ')
      .trim()
  );
}

const help = (reason: HelpReason, hint?: string): Intent => ({
  kind: 'help',
  reason,
  ...(hint ? { hint } : {}),
});

/** A customer reference from a short phrase: full phone, last 4 digits, policy number or name. */
export function parseRef(raw: string): CustomerRef | undefined {
  const s = raw.replace(/^(客户|尾号|手机号?|电话|保单号?)\s*/u, '').trim();
  if (!s) return undefined;
  const phone = findMobile(s);
  if (phone && phone.text.replace(/[\s+-]/g, '').length >= s.replace(/[\s+-]/g, '').length - 2)
    return { by: 'phone', digits: phone.digits };
  if (/^\d{4}$/.test(s)) return { by: 'last4', digits: s };
  if (looksLikePolicyNumber(s)) return { by: 'policy', number: s };
  const name = leadingName(s);
  if (name && !name.rest) return { by: 'name', name: name.name };
  return undefined;
}

/** The sentence → one intent. Pure: `now` only resolves dates. */
export function parseIntent(raw: string, now: Date): Intent {
  if (raw.length > MAX_INPUT_CHARS * 4) return help('too_long');
  const text = normalizeInput(raw);
  if (!text) return help('empty');
  if ([...text].length > MAX_INPUT_CHARS) return help('too_long');
  // Emoji, symbols and punctuation only: nothing to read.
  if (!/[\p{L}\p{N}]/u.test(text)) return help('no_text');

  if (/^\d{1,2}$/.test(text)) return { kind: 'pick', n: Number(text) };
  if (/^(取消|算了|不用了)$/u.test(text)) return { kind: 'cancel' };
  if (/^(帮助|help|菜单|\?|？|怎么用|你能做什么)$/iu.test(text)) return help('asked');
  if (/^(待办|今天|今日|今日待办|今天待办|我的待办|任务|今天的待办)$/u.test(text)) return { kind: 'tasks' };
  if (/^(本月到期|这个月到期|本月续保)$/u.test(text)) return { kind: 'renewals', range: 'month' };
  if (/^(续保|快到期|即将到期|到期提醒|续保提醒)$/u.test(text)) return { kind: 'renewals', range: 'soon' };
  if (/^(日报|简报|今日简报|今天日报|团队日报)$/u.test(text)) return { kind: 'digest' };

  let m = /^(?:查询|查找|查一下|查|搜索|搜|找)\s*(.*)$/u.exec(text);
  if (m) {
    let arg = (m[1] ?? '').trim();
    let focus: 'card' | 'policies' = 'card';
    const pol = /^(.+?)\s*的?保单$/u.exec(arg);
    if (pol?.[1]) {
      arg = pol[1];
      focus = 'policies';
    }
    if (!arg) return help('incomplete', '请在「查」后写客户姓名或手机号，例如：查 张三');
    const ref = parseRef(arg);
    return ref
      ? { kind: 'query', ref, focus }
      : help('incomplete', `没有看懂要查的客户「${arg.slice(0, 20)}」`);
  }
  m = /^(.+?)\s*的保单$/u.exec(text);
  if (m?.[1]) {
    const ref = parseRef(m[1]);
    if (ref) return { kind: 'query', ref, focus: 'policies' };
  }
  m = /^理赔\s*(.*)$/u.exec(text);
  if (m) {
    const arg = (m[1] ?? '').trim();
    if (!arg) return { kind: 'claims', ref: undefined };
    const ref = parseRef(arg);
    return ref ? { kind: 'claims', ref } : help('incomplete', '请写客户姓名或手机号，例如：理赔 张三');
  }
  m = /^(?:记录|记一笔|记|登记)\s*(.*)$/u.exec(text);
  if (m) return parseLog((m[1] ?? '').trim(), now);
  m = /^(?:新客户|新增客户|添加客户|新线索|线索|加客户)\s*(.*)$/u.exec(text);
  if (m) return parseNewCustomer((m[1] ?? '').trim());

  // A bare phone number, last 4 digits or policy number is a lookup.
  const phone = findMobile(text);
  if (phone && phone.text.length >= text.length - 2)
    return { kind: 'query', ref: { by: 'phone', digits: phone.digits }, focus: 'card' };
  if (/^(?:尾号)?\d{4}$/u.test(text))
    return { kind: 'query', ref: { by: 'last4', digits: text.slice(-4) }, focus: 'card' };
  return help('unknown');
}

function parseLog(body: string, now: Date): Intent {
  const example = '例如：记录 张三 拜访 聊到孩子明年出国读书，下周二再联系';
  if (!body) return help('incomplete', `请写客户和沟通内容，${example}`);
  let ref: CustomerRef | undefined;
  let rest: string;
  const phone = findMobile(body);
  if (phone && phone.index === 0) {
    ref = { by: 'phone', digits: phone.digits };
    rest = body.slice(phone.text.length).trim();
  } else {
    const lead = leadingName(body);
    if (!lead) return help('incomplete', `没有找到客户姓名，${example}`);
    ref = { by: 'name', name: lead.name };
    rest = lead.rest;
  }
  const found = findInteractionType(rest);
  // The type word right after the name is a label, not part of the summary.
  let summary = rest;
  if (found && rest.startsWith(found.word))
    summary = rest.slice(found.word.length).replace(/^[\s,，:：]+/u, '');
  if (!summary) summary = found ? `${found.word}` : '';
  if (!summary) return help('incomplete', `请写沟通内容，${example}`);
  const date = parseDate(summary, now);
  return {
    kind: 'log',
    ref,
    type: found?.type ?? 'call',
    typeWord: found?.word,
    summary: summary.slice(0, 2000),
    needs: findNeeds(summary),
    followUp: date ? { date: date.date, time: date.time, text: date.text } : undefined,
  };
}

function parseNewCustomer(body: string): Intent {
  const example = '例如：新客户 李四 13900001111 转介绍 张三';
  const lead = leadingName(body);
  if (!lead) return help('incomplete', `请写新客户的姓名，${example}`);
  let rest = lead.rest;
  const phone = findMobile(rest);
  if (phone) rest = (rest.slice(0, phone.index) + ' ' + rest.slice(phone.index + phone.text.length)).trim();
  let referrer: CustomerRef | undefined;
  const ref = /(?:转介绍|介绍人|推荐人|朋友介绍)\s*[:：]?\s*(\S+)?/u.exec(rest);
  if (ref?.[1]) referrer = parseRef(ref[1]);
  if (ref?.[1] && !referrer)
    return help('incomplete', `没有看懂介绍人「${ref[1].slice(0, 20)}」，${example}`);
  return {
    kind: 'new_customer',
    name: lead.name,
    phone: phone?.digits,
    referrer,
    channel: ref ? '转介绍' : undefined,
  };
}
