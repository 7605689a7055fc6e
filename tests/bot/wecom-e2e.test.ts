import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBot, type Bot } from '#bot/engine';
import { registerWecomBot } from '#bot/transports/wecom';
import { cdata } from '#core/wecom/callback-messages';
import { DEMO_WECOM } from '#core/wecom/demo';
import { silentLogger } from '#core/logger';
import type { UserRecord } from '#core/user/user.repository';
import { customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { useTestDatabase } from '../setup/test-db.js';
import { fakeTime, startHarness, type Harness } from '../wecom/harness.js';
import { SUNDAY_10AM } from './world.js';

// The whole path over real HTTP: the simulator encrypts and signs a text callback as WeCom does, the API
// stores and acks it, the bot (subscribed through the handler registry) logs the interaction, and the
// reply reaches the simulator — as the passive reply when it is ready in time, else by message/send.

const db = useTestDatabase();
const time = fakeTime(SUNDAY_10AM);
let h: Harness;
let bot: Bot;
let agent: UserRecord;
let customerId: string;

beforeAll(async () => {
  const org = orgFactory(db);
  agent = await org.user('agent', {}, { name: '业务员甲', wecomUserId: 'zhangwei_e2e' });
  h = await startHarness(db(), { time, members: [agent.wecomUserId, 'stranger_e2e'] });
  customerId = (await customerFactory(() => h.services).customer(agent, { name: '张三' })).id;
  bot = createBot({ services: h.services, db: db(), clock: time.clock });
  await bot.ready();
  registerWecomBot({
    bot,
    wecom: h.services.wecom,
    logger: silentLogger(),
    // Generous, so a loaded test machine still shows the passive path (WeCom itself waits 5 s).
    passiveBudgetMs: 4500,
  });
}, 60_000);
afterAll(() => h?.close());

describe('WeCom callback → bot → reply', () => {
  test('when an agent sends 记录 … in WeCom, then the interaction is logged and the confirmation reaches the simulator exactly once', async () => {
    const res = await h.sim.say(agent.wecomUserId, '记录 张三 拜访 聊到孩子明年出国读书，下周二再联系');
    expect(res.status).toBe(200);
    await h.services.wecom.dispatcher.idle();
    const sent = h.sim.delivered(agent.wecomUserId);
    // Passive when the bot answered within the budget (the usual case), else by message/send; never both.
    const want = '已记录：张三，拜访，需求：教育金，11月24日（周二）跟进';
    if (res.reply) {
      expect(res.reply).toContain('<MsgType><![CDATA[text]]></MsgType>');
      expect(res.reply).toContain(want);
      expect(sent).toHaveLength(0);
    } else {
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(sent[0]?.body)).toContain(want);
    }
    const i = await db()
      .models.Interaction.findOne({ customerId: new Types.ObjectId(customerId) })
      .lean();
    expect(i?.type).toBe('visit');
    expect(i?.tags).toEqual(['教育金']);
    const t = await db()
      .models.Task.findOne({ customerId: new Types.ObjectId(customerId) })
      .lean();
    expect(t?.dueDate).toBe('2026-11-24');
  });

  test('when the same MsgId is delivered again (a WeCom retry), then nothing is logged twice', async () => {
    const xml =
      `<xml><ToUserName>${cdata(DEMO_WECOM.corpId)}</ToUserName><FromUserName>${cdata(agent.wecomUserId)}</FromUserName>` +
      `<CreateTime>${Math.floor(time.clock().getTime() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
      `<Content>${cdata('记录 张三 电话 确认体检时间')}</Content><MsgId>9223372036854775001</MsgId><AgentID>${DEMO_WECOM.agentId}</AgentID></xml>`;
    const first = await h.sim.sendCallbackXml(xml);
    const again = await h.sim.sendCallbackXml(xml);
    await h.services.wecom.dispatcher.idle();
    const confirmations = [
      first.reply ?? '',
      ...h.sim.delivered(agent.wecomUserId).map((m) => JSON.stringify(m.body)),
    ];
    expect(confirmations.filter((c) => c.includes('已记录：张三，电话'))).toHaveLength(1);
    expect(again.status).toBe(200);
    expect(again.reply).toBeUndefined();
    expect(await db().models.Interaction.countDocuments({ customerId: new Types.ObjectId(customerId) })).toBe(
      2,
    );
  });

  test('when an agent asks 查 张三, then a button card arrives by message/send and its 明天提醒我 click adds a task', async () => {
    const res = await h.sim.say(agent.wecomUserId, '查 张三');
    expect(res.status).toBe(200);
    expect(res.reply).toBeUndefined();
    await h.services.wecom.dispatcher.idle();
    const sent = h.sim.delivered(agent.wecomUserId).at(-1);
    expect(sent?.msgtype).toBe('template_card');
    const card = (
      sent?.body as { template_card: { task_id: string; button_list: { text: string; key: string }[] } }
    ).template_card;
    expect(card.button_list.map((b) => b.text)).toEqual(['已联系', '明天提醒我']);
    const remind = card.button_list[1]?.key ?? '';
    const click =
      `<xml><ToUserName>${cdata(DEMO_WECOM.corpId)}</ToUserName><FromUserName>${cdata(agent.wecomUserId)}</FromUserName>` +
      `<CreateTime>${Math.floor(time.clock().getTime() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
      `<Event><![CDATA[template_card_event]]></Event><EventKey>${cdata(remind)}</EventKey>` +
      `<TaskId>${cdata(card.task_id)}</TaskId><CardType><![CDATA[button_interaction]]></CardType>` +
      `<ResponseCode>${cdata('rc_1')}</ResponseCode><AgentID>${DEMO_WECOM.agentId}</AgentID></xml>`;
    expect((await h.sim.sendCallbackXml(click)).status).toBe(200);
    await h.services.wecom.dispatcher.idle();
    const confirm = h.sim.delivered(agent.wecomUserId).at(-1);
    expect(JSON.stringify(confirm?.body)).toContain('已建待办：11月23日（周一）跟进 张三');
    expect(
      await db().models.Task.countDocuments({
        customerId: new Types.ObjectId(customerId),
        dueDate: '2026-11-23',
      }),
    ).toBe(1);
  });

  test('when someone who is not a Qibao user writes, then they get the polite refusal only', async () => {
    const res = await h.sim.say('stranger_e2e', '查 张三');
    await h.services.wecom.dispatcher.idle();
    const answers = [
      res.reply ?? '',
      ...h.sim.delivered('stranger_e2e').map((m) => JSON.stringify(m.body)),
    ].filter(Boolean);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain('还没有开通企保助手');
    expect(answers[0]).not.toContain('张三');
  });
});
