import { randomBytes } from 'node:crypto';
import { isOpenClaim } from '#core/claim/claim.status';
import { shanghaiDate } from '#core/customer/business-date';
import type { CustomerService } from '#core/customer/customer.service';
import { cutUtf8, TEXT_MAX_BYTES } from '#core/wecom/builders';
import type { BotReply, HelpReason } from './types.js';

/** `s` within WeCom's 2048 bytes, cut on a character boundary with an ellipsis. */
export const clip = (s: string): string => cutUtf8(s, TEXT_MAX_BYTES);
export const text = (s: string): BotReply => ({ kind: 'text', text: clip(s) });
export const markdown = (s: string): BotReply => ({ kind: 'markdown', text: clip(s) });

export const TIER_LABELS = { high: '高价值', medium: '中价值', low: '普通' } as const;
const BOOK_LABELS = {
  general: '普通本',
  screened: '筛选本',
  deal: '成交本',
  select: '精选本',
  core: '核心',
} as const;

const EXAMPLES = [
  '查 张三　/　查 13800138000　/　查 1234（尾号）',
  '张三的保单',
  '记录 张三 拜访 聊到孩子明年出国读书，下周二再联系',
  '新客户 李四 13900001111 转介绍 张三',
  '待办　/　今天',
  '续保　/　本月到期',
  '理赔 张三',
  '日报（主管）',
];

/** Short help with examples, opened by why the bot is showing it. */
export function helpText(reason: HelpReason, hint?: string): string {
  const opening: Record<HelpReason, string> = {
    asked: '企保助手可以这样用：',
    empty: '没有收到文字内容。企保助手可以这样用：',
    too_long: '消息太长了（超过 1000 字），请分几次发送。企保助手可以这样用：',
    no_text: '没有看到文字内容（只收到符号或表情）。企保助手可以这样用：',
    unknown: '没有看懂这句话。企保助手可以这样用：',
    incomplete: hint ? `${hint}。` : '信息不完整。',
  };
  const lead = reason === 'incomplete' ? `${opening.incomplete}\n更多用法：` : opening[reason];
  return clip(`${lead}\n${EXAMPLES.map((e) => `• ${e}`).join('\n')}`);
}

type View360 = Awaited<ReturnType<CustomerService['view360']>>;

/** The customer card: tier, policies with days to expiry, open claims, last 3 interactions, open tasks. */
export function cardReply(v: View360, focus: 'card' | 'policies', now: Date): BotReply {
  const c = v.customer;
  const seg = c.segmentation;
  const desc = seg ? `${TIER_LABELS[seg.tier]} · ${BOOK_LABELS[seg.book]}` : '未分层';
  const phone = c.phones[0]?.number.slice(-4);
  const policies = v.policies
    .filter((p) => p.status === 'in_force')
    .sort((a, b) => a.daysToExpiry - b.daysToExpiry);
  const openClaims = v.claims.filter((x) => isOpenClaim(x.status));
  const recent = v.recentInteractions.slice(0, 3);
  const policyLines = policies
    .slice(0, focus === 'policies' ? 10 : 4)
    .map((p) => `${p.product}（${p.line}）${p.daysToExpiry >= 0 ? `${p.daysToExpiry}天后到期` : '已过期'}`);
  const claimLines = openClaims.slice(0, 3).map((x) => `${x.number} ${x.statusLabel}`);
  const interactionLines = recent.map(
    (i) => `${shanghaiDate(i.occurredAt).slice(5)} ${i.typeLabel} ${i.summary.slice(0, 24)}`,
  );
  const taskLines = v.openTasks
    .slice(0, 3)
    .map((t) => `${t.dueDate.slice(5)} ${t.title}${t.overdue ? '（逾期）' : ''}`);
  const understood =
    focus === 'policies' ? `已理解：查询「${c.name}」的保单` : `已理解：查询客户「${c.name}」`;
  const lines = [
    understood,
    `【${c.name}】${desc}${phone ? ` · 尾号${phone}` : ''}`,
    `保单（${policies.length}）：${policyLines.length ? `\n  ${policyLines.join('\n  ')}` : '无有效保单'}`,
    `进行中理赔（${openClaims.length}）：${claimLines.length ? claimLines.join('；') : '无'}`,
    `最近沟通：${interactionLines.length ? `\n  ${interactionLines.join('\n  ')}` : '暂无'}`,
    `待办（${v.openTasks.length}）：${taskLines.length ? taskLines.join('；') : '无'}`,
  ];
  if (c.softInfo.tags.length) lines.push(`需求标签：${c.softInfo.tags.slice(0, 8).join('、')}`);
  const nearest = policies[0];
  return {
    kind: 'card',
    taskId: `qb_${c.id}_${now.getTime().toString(36)}_${randomBytes(3).toString('hex')}`,
    title: c.name,
    desc,
    rows: [
      {
        key: '保单',
        value: nearest ? `${policies.length}单，最近${nearest.daysToExpiry}天后到期` : '无有效保单',
      },
      { key: '理赔', value: openClaims.length ? `${openClaims.length}件进行中` : '无' },
      {
        key: '最近沟通',
        value: recent[0] ? `${shanghaiDate(recent[0].occurredAt).slice(5)} ${recent[0].typeLabel}` : '暂无',
      },
      { key: '待办', value: `${v.openTasks.length}项` },
    ],
    buttons: [
      { text: '已联系', key: `qb:contacted:${c.id}` },
      { text: '明天提醒我', key: `qb:remind:${c.id}` },
    ],
    text: clip(lines.join('\n')),
  };
}

/** A reply as plain text (wechaty, terminal, logs of what was sent). */
export function replyText(r: BotReply): string {
  if (r.kind === 'card') return `${r.text}\n（回复可继续操作，例如：记录 ${r.title} 电话 …）`;
  return r.text;
}
