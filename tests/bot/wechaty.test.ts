import { Types } from 'mongoose';
import type { Message } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWechatyBot } from '#bot/transports/wechaty';
import { silentLogger } from '#core/logger';
import { useTestDatabase } from '../setup/test-db.js';
import { buildBotWorld, settableClock, type BotWorld } from './world.js';

// The same scenario through wechaty with the mock puppet: the contact an admin bound to agent A writes a
// 记录 sentence, the interaction is logged and the confirmation comes back in the chat. `bot.ready()`
// never resolves with the mock, so the test waits for the `login` event instead.

const db = useTestDatabase();
const time = settableClock();
let w: BotWorld;
let mocker: mock.Mocker;
let self: ReturnType<mock.Mocker['createContact']>;
let transport: Awaited<ReturnType<typeof startWechatyBot>>;
const said: { to: string; text: string }[] = [];

beforeAll(async () => {
  w = await buildBotWorld(db(), time.clock);
  mocker = new mock.Mocker();
  transport = await startWechatyBot({
    bot: w.bot,
    logger: silentLogger(),
    puppet: new PuppetMock({ mocker }),
  });
  transport.wechaty.on('message', (m: Message) => {
    if (m.self()) said.push({ to: m.listener()?.id ?? '', text: m.text() });
  });
  const loggedIn = new Promise<void>((resolve) => transport.wechaty.once('login', () => resolve()));
  self = mocker.createContact({ name: '企保助手' });
  mocker.login(self);
  await loggedIn;
}, 60_000);
afterAll(async () => {
  await transport?.stop();
});

/** Waits until the bot has said something to `contactId` (the mock delivers asynchronously). */
async function replyTo(contactId: string, from = 0): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const hit = said.slice(from).find((s) => s.to === contactId);
    if (hit) return hit.text;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no reply to ${contactId}`);
}

describe('wechaty (mock puppet) → bot', () => {
  test('when a bound contact writes 记录 …, then the interaction is logged and the reply says what was understood', async () => {
    const agentContact = mocker.createContact({ name: '业务员甲的微信' });
    await w.bot.bindings.bind(agentContact.id, w.agentA.id, w.lead.id);
    const from = said.length;
    agentContact.say('记录 张三 拜访 聊到孩子明年出国读书，下周二再联系').to(self);
    const reply = await replyTo(agentContact.id, from);
    expect(reply).toContain('已记录：张三，拜访，需求：教育金，11月24日（周二）跟进');
    const i = await db()
      .models.Interaction.findOne({ customerId: new Types.ObjectId(w.ids.zhangsan) })
      .lean();
    expect(i?.type).toBe('visit');
    expect(i?.agentId.toString()).toBe(w.agentA.id);
    const t = await db()
      .models.Task.findOne({ customerId: new Types.ObjectId(w.ids.zhangsan) })
      .lean();
    expect(t?.dueDate).toBe('2026-11-24');
  });

  test('when an unbound contact writes, then it gets the polite refusal and nothing else', async () => {
    const stranger = mocker.createContact({ name: '陌生人' });
    const from = said.length;
    const before = await db().models.Interaction.countDocuments({});
    stranger.say('记录 张三 电话 你好').to(self);
    expect(await replyTo(stranger.id, from)).toContain('还没有开通企保助手');
    expect(await db().models.Interaction.countDocuments({})).toBe(before);
  });
});
