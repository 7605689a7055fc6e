import { Types } from 'mongoose';
import { beforeAll, describe, expect, test } from 'vitest';
import { botModels } from '#bot/bot.store';
import { utf8Bytes } from '#core/wecom/builders';
import { useTestDatabase } from '../setup/test-db.js';
import { buildBotWorld, joined, settableClock, SUNDAY_10AM, type BotWorld } from './world.js';

// The bot's contract as a table: what an agent writes → what the bot answers and what it changed.
// The clock is fixed: Sunday 2026-11-22 10:00 Asia/Shanghai unless a row moves it (weeks start Monday).

const db = useTestDatabase();
const time = settableClock();
let w: BotWorld;

beforeAll(async () => {
  w = await buildBotWorld(db(), time.clock);
}, 60_000);

type Who = 'A' | 'B' | 'lead' | 'stranger';
interface Row {
  say: string;
  as?: Who;
  /** ISO instant for this row (default: the Sunday). */
  at?: string;
  reply: (string | RegExp)[];
  notReply?: (string | RegExp)[];
  db?: (w: BotWorld) => Promise<void>;
}

const oid = (id: string) => new Types.ObjectId(id);
const models = () => db().models;
const latestInteraction = async (customerId: string) =>
  models()
    .Interaction.findOne({ customerId: oid(customerId) })
    .sort({ createdAt: -1, _id: -1 })
    .lean();
const taskFor = async (customerId: string, dueDate: string) =>
  models()
    .Task.findOne({ customerId: oid(customerId), dueDate, status: 'open' })
    .sort({ _id: -1 })
    .lean();
const interactionCount = async (customerId: string) =>
  models().Interaction.countDocuments({ customerId: oid(customerId) });

/** Asserts the row's follow-up: an interaction of `type` with `tags`, and a task due `date`. */
const logged =
  (type: string, tags: string[], date: string | undefined, titleHas?: string) => async (w: BotWorld) => {
    const i = await latestInteraction(w.ids.zhangsan);
    expect(i?.type).toBe(type);
    expect(i?.tags).toEqual(tags);
    expect(i?.agentId.toString()).toBe(w.agentA.id);
    if (date) {
      expect(i?.nextFollowUpDate).toBe(date);
      const t = await taskFor(w.ids.zhangsan, date);
      expect(t?.ownerId.toString()).toBe(w.agentA.id);
      if (titleHas) expect(t?.title).toContain(titleHas);
    } else expect(i?.nextFollowUpDate ?? undefined).toBeUndefined();
  };

const HELP = /企保助手可以这样用|更多用法/;

const rows: Row[] = [
  // 查询客户
  {
    say: '查 张三',
    reply: ['已理解：查询客户「张三」', '【张三】', '金福人生', '6天后到期', '进行中理赔（1）'],
  },
  { say: '查 13800138000', reply: ['【张三】', '尾号8000'] },
  { say: '查 8000', reply: ['【张三】'] },
  { say: '8000', reply: ['【张三】'] },
  { say: '13800138000', reply: ['【张三】'] },
  { say: '张三的保单', reply: ['已理解：查询「张三」的保单', '金福人生'] },
  { say: '查 张三的保单', reply: ['已理解：查询「张三」的保单'] },
  { say: '查 PA', reply: ['没有找到「PA」对应的客户'] },
  { say: '查 韩梅', reply: ['没有找到「韩梅」对应的客户'], notReply: ['【韩梅】', '外队'] },
  { say: '查 李雷', reply: ['没有找到「李雷」对应的客户'] },
  { say: '查 李雷', as: 'lead', reply: ['【李雷】'] },
  { say: '查 韩梅', as: 'lead', reply: ['没有找到'] },
  { say: '查 13700001111', reply: ['没有找到'], notReply: ['李雷'] },
  // Disambiguation: 王五 ×2 → numbered list → `2`.
  {
    say: '查 王五',
    reply: ['找到 2 位匹配的客户', '1. 王五', '2. 王五'],
    db: async (w) =>
      expect(await botModels(db().connection).BotPending.countDocuments({ userId: w.agentA.id })).toBe(1),
  },
  { say: '1', as: 'B', reply: ['当前没有待选择的列表'] },
  {
    say: '2',
    reply: ['【王五】'],
    db: async (w) =>
      expect(await botModels(db().connection).BotPending.countDocuments({ userId: w.agentA.id })).toBe(0),
  },
  { say: '2', reply: ['当前没有待选择的列表'] },
  { say: '查 王五', reply: ['找到 2 位'] },
  { say: '取消', reply: ['已取消'] },
  { say: '1', reply: ['当前没有待选择的列表'] },
  // 记录沟通, with every date form.
  {
    say: '记录 张三 拜访 聊到孩子明年出国读书，下周二再联系',
    reply: ['已记录：张三，拜访', '需求：教育金', '11月24日（周二）跟进'],
    db: async (w) => {
      await logged('visit', ['教育金'], '2026-11-24')(w);
      const c = await models().Customer.findById(w.ids.zhangsan).lean();
      expect(c?.softInfo?.tags).toContain('教育金');
      expect(c?.softInfo?.notes).toContain('出国读书');
    },
  },
  {
    say: '记录 张三 电话 明天下午三点回电',
    reply: ['已记录：张三，电话', '11月23日（周一） 15:00跟进'],
    db: logged('call', [], '2026-11-23', '15:00'),
  },
  {
    say: '记录 张三 微信 说父母住院了 3天后跟进',
    reply: ['已记录：张三，微信', '健康医疗', '11月25日'],
    db: logged('wechat', ['健康医疗'], '2026-11-25'),
  },
  {
    say: '记录 张三 见面 12月5日签约',
    reply: ['会面', '12月5日（周六）'],
    db: logged('meeting', [], '2026-12-05'),
  },
  {
    say: '记录 张三 上门 月底前确认房贷情况',
    reply: ['拜访', '寿险保障', '11月30日（周一）'],
    db: logged('visit', ['寿险保障'], '2026-11-30'),
  },
  {
    say: '记录 张三 后天再打',
    reply: ['电话', '未写沟通方式', '11月24日'],
    db: logged('call', [], '2026-11-24'),
  },
  {
    say: '记录 张三 电话 下午三点再聊',
    reply: ['11月22日（周日） 15:00跟进'],
    db: logged('call', [], '2026-11-22'),
  },
  {
    say: '记录 张三 电话 聊养老规划，下个月5号再约',
    reply: ['养老', '12月5日'],
    db: logged('call', ['养老'], '2026-12-05'),
  },
  { say: '记录 张三 电话 周五回访', reply: ['11月27日（周五）'], db: logged('call', [], '2026-11-27') },
  { say: '记录 张三 电话 下周日再约', reply: ['11月29日（周日）'], db: logged('call', [], '2026-11-29') },
  { say: '记录 张三 电话 三天后再联系', reply: ['11月25日'], db: logged('call', [], '2026-11-25') },
  { say: '记录 张三 电话 大后天', reply: ['11月25日'], db: logged('call', [], '2026-11-25') },
  {
    say: '记录 张三 电话 下周二再联系',
    at: '2026-11-25T02:00:00Z', // a Wednesday: next Tuesday is six days later
    reply: ['12月1日（周二）'],
    db: logged('call', [], '2026-12-01'),
  },
  {
    say: '记录 张三 电话 明天再打',
    at: '2026-11-30T16:30:00Z', // 00:30 on 12月1日 in Shanghai, still 11-30 in UTC
    reply: ['12月2日（周三）'],
    db: logged('call', [], '2026-12-02'),
  },
  {
    say: '记录 张三 电话 今天聊了重疾缺口',
    reply: ['已记录：张三，电话', '重疾保障', '「今天」不在今天之后'],
    db: logged('call', ['重疾保障'], undefined),
  },
  {
    say: '记录 张三 电话 聊了保障缺口',
    reply: ['已记录：张三，电话'],
    notReply: ['跟进（已建待办）'],
    db: logged('call', [], undefined),
  },
  {
    say: '记录 13800138000 微信 发了计划书',
    reply: ['已记录：张三，微信'],
    db: logged('wechat', [], undefined),
  },
  {
    say: '记录 王五 电话 聊理财',
    reply: ['找到 2 位'],
    db: async (w) =>
      expect((await interactionCount(w.ids.wangwu1)) + (await interactionCount(w.ids.wangwu2))).toBe(0),
  },
  {
    say: '1',
    reply: ['已记录：王五，电话', '理财储蓄'],
    db: async (w) =>
      expect((await interactionCount(w.ids.wangwu1)) + (await interactionCount(w.ids.wangwu2))).toBe(1),
  },
  {
    say: '记录 李雷 电话 打探一下',
    reply: ['没有找到「李雷」'],
    db: async (w) => expect(await interactionCount(w.ids.lilei)).toBe(0),
  },
  { say: '记录 张三', reply: ['请写沟通内容'] },
  { say: '记录', reply: ['请写客户和沟通内容'] },
  // 新客户 → issue 4's lead intake (deduped by phone against customers and leads).
  {
    say: '新客户 李四 13900001111 转介绍 张三',
    reply: ['已理解：新客户「李四」，手机尾号1111，转介绍人「张三」', '已创建线索「李四」', '转介绍人已关联'],
    db: async (w) => {
      const l = await models().Lead.findOne({ phone: '+8613900001111' }).lean();
      expect(l?.name).toBe('李四');
      expect(l?.source).toBe('转介绍');
      expect(l?.referrerCustomerId?.toString()).toBe(w.ids.zhangsan);
      expect(l?.assigneeId?.toString()).toBe(w.agentA.id);
    },
  },
  {
    say: '新客户 李四 13900001111',
    reply: ['该手机号的线索已存在，未重复创建'],
    db: async () => expect(await models().Lead.countDocuments({ phone: '+8613900001111' })).toBe(1),
  },
  {
    say: '新客户 张三丰 13800138000',
    reply: ['该手机号已是您的客户「张三」，未新建线索'],
    db: async () => expect(await models().Lead.countDocuments({ phone: '+8613800138000' })).toBe(0),
  },
  {
    say: '新客户 赵六 13700001111',
    reply: ['该手机号已是其他顾问的客户，未新建线索'],
    notReply: ['李雷'],
    db: async () => expect(await models().Lead.countDocuments({ name: '赵六' })).toBe(0),
  },
  { say: '新客户 孙七', reply: ['新线索需要手机号', '新客户 孙七 13900001111'] },
  {
    say: '新线索 周八 13900002222 转介绍 王五',
    reply: ['找到 2 位'],
    db: async () => expect(await models().Lead.countDocuments({ name: '周八' })).toBe(0),
  },
  {
    say: '2',
    reply: ['已创建线索「周八」'],
    db: async (w) => {
      const l = await models().Lead.findOne({ name: '周八' }).lean();
      expect([w.ids.wangwu1, w.ids.wangwu2]).toContain(l?.referrerCustomerId?.toString());
    },
  },
  // 待办 / 续保 / 理赔 / 日报
  { say: '待办', reply: ['已理解：今天的待办', '跟进客户 张三'] },
  { say: '今天', reply: ['已理解：今天的待办'] },
  // B's only task: the lead intake's reminder that A's 新客户 was B's existing customer (李雷).
  { say: '待办', as: 'B', reply: ['今天的待办（今日 1 项，逾期 0 项）'], notReply: ['跟进客户 张三'] },
  { say: '续保', reply: ['30 天内到期的保单，共 1 单', '张三《金福人生》6 天后到期'] },
  { say: '本月到期', reply: ['本月（至11-30）到期的保单，共 1 单'] },
  { say: '续保', as: 'B', reply: ['没有需要续保的保单'] },
  { say: '理赔 张三', reply: ['已理解：查询「张三」的理赔', '已报案', '申请 12000 元'] },
  { say: '理赔', reply: ['进行中的理赔（1 件）'] },
  { say: '理赔 李雷', reply: ['没有找到'] },
  { say: '日报', reply: ['日报面向团队主管'] },
  { say: '日报', as: 'lead', reply: ['今日需关注'] },
  // Help and bad input.
  { say: '帮助', reply: ['企保助手可以这样用', '记录 张三 拜访'] },
  { say: '你好', reply: ['没有看懂这句话'] },
  { say: '', reply: ['没有收到文字内容'] },
  { say: '   \u200b  ', reply: ['没有收到文字内容'] },
  { say: '😀😀😀', reply: ['只收到符号或表情'] },
  { say: '查'.repeat(10_240), reply: ['消息太长了'] },
  { say: '{"$gt":""}', reply: [HELP] },
  { say: '查 {"$gt":""}', reply: [HELP] },
  { say: '查 $where', reply: [HELP] },
  { say: '查 张.*', reply: [HELP] },
  { say: '查 (a+)+$', reply: [HELP] },
  { say: 'Hello 张三 123 مرحبا', reply: [HELP] },
  // Unknown users get a refusal and nothing else.
  { say: '查 张三', as: 'stranger', reply: ['还没有开通企保助手'], notReply: ['张三'] },
  { say: '记录 张三 电话 你好', as: 'stranger', reply: ['还没有开通企保助手'] },
];

describe('the bot, one utterance at a time', () => {
  test.each(
    rows.map(
      (r, i) => [i + 1, r.say.length > 40 ? `${r.say.slice(0, 12)}…(${r.say.length})` : r.say, r] as const,
    ),
  )(
    'row %i: when the agent writes "%s", then the reply and the database show what was understood',
    async (_n, _label, row) => {
      time.set(row.at ?? SUNDAY_10AM);
      const who =
        row.as === 'stranger'
          ? { via: 'wecom' as const, wecomUserId: 'nobody_here' }
          : {
              via: 'wecom' as const,
              wecomUserId: { A: w.agentA, B: w.agentB, lead: w.lead }[row.as ?? 'A'].wecomUserId,
            };
      const before = row.as === 'stranger' ? await interactionCount(w.ids.zhangsan) : 0;
      const replies = await w.bot.handle(who, row.say);
      expect(replies.length).toBeGreaterThan(0);
      for (const r of replies) expect(utf8Bytes(r.text)).toBeLessThanOrEqual(2048);
      const all = joined(replies);
      for (const want of row.reply) {
        if (typeof want === 'string') expect(all).toContain(want);
        else expect(all).toMatch(want);
      }
      for (const not of row.notReply ?? []) {
        if (typeof not === 'string') expect(all).not.toContain(not);
        else expect(all).not.toMatch(not);
      }
      if (row.as === 'stranger') {
        expect(replies).toHaveLength(1);
        expect(await interactionCount(w.ids.zhangsan)).toBe(before);
      }
      await row.db?.(w);
    },
  );

  test('when a numbered list is older than its expiry, then `1` does nothing', async () => {
    time.set(SUNDAY_10AM);
    const who = { via: 'wecom' as const, wecomUserId: w.agentA.wecomUserId };
    expect(joined(await w.bot.handle(who, '查 王五'))).toContain('找到 2 位');
    time.advance(11 * 60_000);
    expect(joined(await w.bot.handle(who, '1'))).toContain('当前没有待选择的列表');
  });

  test('when 查 张三 is asked, then the card has 已联系 / 明天提醒我 buttons and a click acts in the clicker scope', async () => {
    time.set(SUNDAY_10AM);
    const a = { via: 'wecom' as const, wecomUserId: w.agentA.wecomUserId };
    const [card] = await w.bot.handle(a, '查 张三');
    if (card?.kind !== 'card') throw new Error('expected a card');
    expect(card.buttons.map((b) => b.text)).toEqual(['已联系', '明天提醒我']);
    const remind = card.buttons[1]?.key ?? '';
    const before = await models().Task.countDocuments({
      customerId: oid(w.ids.zhangsan),
      dueDate: '2026-11-23',
    });
    expect(joined(await w.bot.handleCardClick(a, remind))).toContain('已建待办：11月23日（周一）跟进 张三');
    expect(
      await models().Task.countDocuments({ customerId: oid(w.ids.zhangsan), dueDate: '2026-11-23' }),
    ).toBe(before + 1);
    // B clicking A's card button learns nothing and changes nothing.
    const b = { via: 'wecom' as const, wecomUserId: w.agentB.wecomUserId };
    const n = await interactionCount(w.ids.zhangsan);
    expect(joined(await w.bot.handleCardClick(b, card.buttons[0]?.key ?? ''))).toContain(
      '客户不存在或无权访问',
    );
    expect(await interactionCount(w.ids.zhangsan)).toBe(n);
    expect(joined(await w.bot.handleCardClick(a, card.buttons[0]?.key ?? ''))).toContain(
      '已记录一次电话沟通',
    );
    expect(await interactionCount(w.ids.zhangsan)).toBe(n + 1);
  });
});
