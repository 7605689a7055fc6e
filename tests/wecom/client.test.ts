import { afterEach, describe, expect, test } from 'vitest';
import { silentLogger } from '#core/logger';
import { textMessage } from '#core/wecom/builders';
import { createMemberPacer, MemberPacingError } from '#core/wecom/pacer';
import { createTokenCache } from '#core/wecom/token-cache';
import { createWecomClient } from '#core/wecom/wecom.client';
import { WecomApiError } from '#core/wecom/wecom.errors';
import { createUserRepository } from '#core/user/user.repository';
import { createWecomIntegration } from '#core/wecom/integration';
import { DEMO_WECOM } from '#core/wecom/demo';
import { useTestDatabase } from '../setup/test-db.js';
import { fakeTime, startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
const SEND = '/cgi-bin/message/send';
const GETTOKEN = '/cgi-bin/gettoken';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await db().models.WecomAccessToken.deleteMany({});
});

async function caught(p: Promise<unknown>): Promise<WecomApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WecomApiError) return err;
    throw err;
  }
  throw new Error('expected a WecomApiError');
}

describe('WeCom client: access_token', () => {
  test('when many messages are sent, then one token is fetched and reused', async () => {
    h = await startHarness(db(), { time: fakeTime(), members: ['zhangwei'] });
    const client = h.services.wecom.requireClient();
    for (let i = 0; i < 5; i++) await client.sendMessage({ toUser: ['zhangwei'] }, textMessage(`第${i}条`));
    expect(h.sim.callsTo(GETTOKEN)).toHaveLength(1);
    expect(h.sim.delivered('zhangwei')).toHaveLength(5);
  });

  test('when two processes share the database and start at once, then only one token is fetched (single flight)', async () => {
    const time = fakeTime();
    h = await startHarness(db(), { time, members: ['liuyang'] });
    // A second "process": its own integration object, same database and simulator.
    const other = createWecomIntegration({
      models: db().models,
      users: createUserRepository(db().models),
      logger: silentLogger(),
      clock: time.clock,
      sleep: time.sleep,
      timing: { tokenPollMs: 5 },
      settings: h.services.wecom.settings,
    });
    const a = h.services.wecom.requireClient();
    const b = other.requireClient();
    const tokens = await Promise.all([...Array(6)].map((_, i) => (i % 2 ? a : b).accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(h.sim.callsTo(GETTOKEN)).toHaveLength(1);
    const row = await db().models.WecomAccessToken.findOne({}).lean();
    expect(row?.key).toMatch(/^wecom:wwqibaodemo0000001:[0-9a-f]{16}$/);
    expect(JSON.stringify(row)).not.toContain(DEMO_WECOM.agentSecret);
  });

  test('when the token expires in the middle of a batch, then it is refreshed once and every message is sent exactly once', async () => {
    h = await startHarness(db(), { time: fakeTime(), members: ['chenjing'] });
    const client = h.services.wecom.requireClient();
    for (let i = 1; i <= 10; i++) {
      if (i === 6) h.sim.expireTokens(); // WeCom may invalidate a token before its 7200 s are up
      await client.sendMessage({ toUser: ['chenjing'] }, textMessage(`续保提醒 ${i}`));
    }
    const texts = h.sim.delivered('chenjing').map((m) => m.preview);
    expect(texts).toEqual([...Array(10)].map((_, i) => `续保提醒 ${i + 1}`));
    expect(h.sim.callsTo(SEND).map((c) => c.errcode)).toEqual([0, 0, 0, 0, 0, 42001, 0, 0, 0, 0, 0]);
    expect(h.sim.callsTo(GETTOKEN)).toHaveLength(2);
  });

  test('when the token is rejected as invalid (40014), then it is refreshed and the call retried once', async () => {
    h = await startHarness(db(), { time: fakeTime(), members: ['yangfan'] });
    const client = h.services.wecom.requireClient();
    await client.sendMessage({ toUser: ['yangfan'] }, textMessage('一'));
    h.sim.state.wecomTokens.clear();
    await client.sendMessage({ toUser: ['yangfan'] }, textMessage('二'));
    expect(h.sim.callsTo(SEND).map((c) => c.errcode)).toEqual([0, 40014, 0]);
    expect(h.sim.delivered('yangfan')).toHaveLength(2);
  });

  test('when the secret is wrong, then gettoken’s 40001 surfaces as a typed error and nothing is sent', async () => {
    h = await startHarness(db(), {
      time: fakeTime(),
      members: ['zhoutao'],
      settings: { agentSecret: 'wrong-secret' },
    });
    const err = await caught(
      h.services.wecom.requireClient().sendMessage({ toUser: ['zhoutao'] }, textMessage('x')),
    );
    expect(err.errcode).toBe(40001);
    expect(err.code).toBe('WECOM_API_ERROR');
    expect(h.sim.callsTo(SEND)).toHaveLength(0);
  });
});

describe('WeCom client: errcodes', () => {
  test('when WeCom is busy (-1) twice, then the send is retried with back-off and succeeds once', async () => {
    const time = fakeTime();
    h = await startHarness(db(), { time, members: ['huangli'] });
    const client = h.services.wecom.requireClient();
    await client.accessToken();
    h.sim.injectFault(SEND, -1, 2);
    await client.sendMessage({ toUser: ['huangli'] }, textMessage('忙也要送到'));
    expect(h.sim.callsTo(SEND).map((c) => c.errcode)).toEqual([-1, -1, 0]);
    expect(h.sim.delivered('huangli')).toHaveLength(1);
    expect(time.sleeps).toEqual([200, 400]);
  });

  test('when WeCom stays busy, then it gives up after 3 retries with errcode -1', async () => {
    h = await startHarness(db(), { time: fakeTime(), members: ['huangli'] });
    h.sim.injectFault(SEND, -1, 10);
    const err = await caught(
      h.services.wecom.requireClient().sendMessage({ toUser: ['huangli'] }, textMessage('x')),
    );
    expect(err.errcode).toBe(-1);
    expect(h.sim.callsTo(SEND)).toHaveLength(4);
  });

  test('when 45009 comes back, then a typed rate-limit error is raised and the API is not called again until the window passes', async () => {
    const time = fakeTime();
    h = await startHarness(db(), { time, members: ['liqiang'] });
    const client = h.services.wecom.requireClient();
    h.sim.injectFault(SEND, 45009, 1);
    const err = await caught(client.sendMessage({ toUser: ['liqiang'] }, textMessage('一')));
    expect(err).toMatchObject({ code: 'WECOM_RATE_LIMITED', errcode: 45009, retryAfterMs: 60_000 });

    time.advance(30_000);
    const paused = await caught(client.sendMessage({ toUser: ['liqiang'] }, textMessage('二')));
    expect(paused.code).toBe('WECOM_RATE_LIMITED');
    expect(paused.retryAfterMs).toBe(30_000);
    expect(h.sim.callsTo(SEND)).toHaveLength(1); // refused locally, WeCom not hammered

    time.advance(30_000);
    await client.sendMessage({ toUser: ['liqiang'] }, textMessage('三'));
    expect(h.sim.delivered('liqiang').map((m) => m.preview)).toEqual(['三']);
  });

  test('when some recipients are not members, then the others get the message and the invalid ones are reported', async () => {
    h = await startHarness(db(), { time: fakeTime(), members: ['zhangwei', 'liuyang'] });
    const res = await h.services.wecom
      .requireClient()
      .sendMessage({ toUser: ['zhangwei', 'NoSuchUser', 'liuyang'] }, textMessage('周会改到三点'));
    expect(res.invalidUser).toEqual(['nosuchuser']);
    expect(res.msgId).toBeTruthy();
    expect(
      h.sim
        .delivered()
        .map((m) => m.toUser)
        .sort(),
    ).toEqual(['liuyang', 'zhangwei']);
  });

  test('when every recipient is invalid, then 81013 surfaces as WECOM_INVALID_RECIPIENTS', async () => {
    h = await startHarness(db(), { time: fakeTime(), members: ['zhangwei'] });
    const err = await caught(
      h.services.wecom.requireClient().sendMessage({ toUser: ['ghost1', 'ghost2'] }, textMessage('x')),
    );
    expect(err).toMatchObject({ code: 'WECOM_INVALID_RECIPIENTS', errcode: 81013 });
    expect(h.sim.delivered()).toHaveLength(0);
  });
});

describe('WeCom client: per-member pacing', () => {
  test('when 100 messages go to one member, then all arrive, none is dropped, and no minute holds more than 30', async () => {
    const time = fakeTime();
    h = await startHarness(db(), { time, members: ['zhangwei'] });
    const client = h.services.wecom.requireClient();
    // One sender working through a queue, as the notification worker does.
    for (let i = 0; i < 100; i++) await client.sendMessage({ toUser: ['zhangwei'] }, textMessage(`#${i}`));
    const all = h.sim.state.messages.filter((m) => m.toUser === 'zhangwei');
    expect(all).toHaveLength(100);
    expect(all.filter((m) => m.dropped)).toHaveLength(0);
    const at = all.map((m) => Date.parse(m.at)).sort((a, b) => a - b);
    for (let i = 30; i < at.length; i++) expect(at[i]! - at[i - 30]!).toBeGreaterThanOrEqual(60_000);
    // 30 now, 30 after 1 min, 30 after 2 min, 10 after 3 min: the least time that respects the limit.
    expect(time.elapsedMs()).toBe(180_000);
  });

  test('when 100 sends to one member are requested at the same moment, then their slots never put 31 in a minute', async () => {
    const now = Date.parse('2026-11-20T02:00:00Z');
    const waits: number[] = [];
    // The clock stands still: only the reservations made synchronously at acquire() are under test.
    const pacer = createMemberPacer({ clock: () => new Date(now), sleep: async (ms) => void waits.push(ms) });
    await Promise.all([...Array(100)].map(() => pacer.acquire(['zhangwei'])));
    await Promise.all([...Array(5)].map(() => pacer.acquire(['liuyang', 'zhangwei'])));
    const count = (ms: number) => waits.filter((w) => w === ms).length;
    // 30 at once, 30 after 1 min, 30 after 2 min, then 10 + 5 after 3 min (liuyang, though idle, is sent
    // together with zhangwei, so waits for zhangwei's slot).
    expect([count(60_000), count(120_000), count(180_000)]).toEqual([30, 30, 15]);
    expect(waits).toHaveLength(75);
  });

  test('when a queue worker will not wait for a slot, then the 31st send in a minute is refused with the wait, and nothing is sent', async () => {
    const time = fakeTime();
    h = await startHarness(db(), { time, members: ['liuyang'] });
    const client = h.services.wecom.requireClient();
    for (let i = 0; i < 30; i++)
      await client.sendMessage({ toUser: ['liuyang'] }, textMessage(`#${i}`), { maxPacingWaitMs: 1000 });
    time.advance(20_000);
    const err = await client
      .sendMessage({ toUser: ['liuyang'] }, textMessage('#30'), { maxPacingWaitMs: 1000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemberPacingError);
    expect(err).toMatchObject({ code: 'WECOM_RATE_LIMITED', retryAfterMs: 40_000 });
    expect(h.sim.delivered('liuyang')).toHaveLength(30);
    expect(time.sleeps).toEqual([]);
  });

  test('when the same 100 messages are sent without pacing, then the simulator drops the excess silently, as WeCom does', async () => {
    const time = fakeTime();
    h = await startHarness(db(), { time, members: ['zhangwei'] });
    const unpaced = createWecomClient({
      app: {
        apiBase: h.sim.url(),
        corpId: DEMO_WECOM.corpId,
        agentId: DEMO_WECOM.agentId,
        agentSecret: DEMO_WECOM.agentSecret,
      },
      tokens: createTokenCache({ models: db().models, clock: time.clock, sleep: time.sleep }),
      pacer: createMemberPacer(time, [{ windowMs: 60_000, max: 1_000_000 }]),
      logger: silentLogger(),
      ...time,
    });
    for (let i = 0; i < 100; i++) {
      const res = await unpaced.sendMessage({ toUser: ['zhangwei'] }, textMessage(`#${i}`));
      expect(res.invalidUser).toEqual([]); // errcode 0 every time: nothing tells the sender
    }
    expect(h.sim.delivered('zhangwei')).toHaveLength(30);
  });
});

describe('WeCom client: other APIs against the simulator', () => {
  test('customer contact, mass-message task, intercept rules, callback IPs and WeCom mini-program login', async () => {
    h = await startHarness(db(), { time: fakeTime(), members: ['zhangwei'] });
    const client = h.services.wecom.requireClient();
    h.sim.state.externalContacts.set('wmCustomer01', {
      name: '张三',
      followers: new Map([['zhangwei', { createtime: 1 }]]),
    });

    const detail = await client.getExternalContact('wmCustomer01');
    expect(detail.external_contact).toMatchObject({ name: '张三' });
    expect((await caught(client.getExternalContact('wmNobody'))).errcode).toBe(40096);

    const batch = await client.batchGetByUser({ userIds: ['zhangwei'] });
    expect(batch.external_contact_list).toHaveLength(1);

    const task = await client.addMsgTemplate({
      sender: 'zhangwei',
      external_userid: ['wmCustomer01', 'wmStranger'],
      text: { content: '您的保单下月到期' },
    });
    expect(task.fail_list).toEqual(['wmStranger']);
    const msgId = String(task.msgid);
    await client.remindGroupmsgSend(msgId);
    const result = await client.getGroupmsgSendResult({ msgId, userId: 'zhangwei' });
    expect(result.send_list).toEqual([{ external_userid: 'wmCustomer01', userid: 'zhangwei', status: 0 }]);
    expect(result.next_cursor).toBe('');
    h.sim.confirmGroupMsg(msgId, 'zhangwei');
    const confirmed = await client.getGroupmsgSendResult({ msgId, userId: 'zhangwei' });
    expect(confirmed.send_list).toEqual([
      { external_userid: 'wmCustomer01', userid: 'zhangwei', status: 1, send_time: expect.any(Number) },
    ]);
    // At most 3 reminders per task within 24 h: the fourth is refused.
    await client.remindGroupmsgSend(msgId);
    await client.remindGroupmsgSend(msgId);
    expect((await caught(client.remindGroupmsgSend(msgId))).errcode).toBe(45009);

    const rule = await client.addInterceptRule({
      rule_name: '合规词库',
      word_list: ['保本保息', '稳赚不赔'],
      intercept_type: 1,
      applicable_range: { department_list: [1] },
    });
    const ruleId = String(rule.rule_id);
    await client.updateInterceptRule({ rule_id: ruleId, word_list: ['保本保息'] });
    await client.deleteInterceptRule(ruleId);
    expect(h.sim.state.interceptRules.size).toBe(0);

    expect(await client.getCallbackIps()).toEqual(['127.0.0.1']);

    const code = h.sim.issueWecomLoginCode('zhangwei');
    expect(await client.miniprogramCode2Session(code)).toMatchObject({
      corpId: DEMO_WECOM.corpId,
      userId: 'zhangwei',
    });
    expect((await caught(client.miniprogramCode2Session(code))).code).toBe('WECHAT_CODE_INVALID'); // single use
  });
});

describe('WeChat mini-program client', () => {
  test('login, phone number, and subscribe messages with value rules and 43101', async () => {
    h = await startHarness(db(), { time: fakeTime() });
    const wechat = h.services.wecom.requireWechat();

    const code = h.sim.issueWechatLoginCode('oCustomer001', 'uUnion001');
    expect(await wechat.code2Session(code)).toMatchObject({ openId: 'oCustomer001', unionId: 'uUnion001' });
    expect((await caught(wechat.code2Session(code))).code).toBe('WECHAT_CODE_INVALID');

    const phoneCode = h.sim.issuePhoneCode('13800138000');
    expect(await wechat.getUserPhoneNumber(phoneCode)).toEqual({
      phoneNumber: '13800138000',
      purePhoneNumber: '13800138000',
      countryCode: '86',
    });

    const send = () =>
      wechat.sendSubscribeMessage({
        toOpenId: 'oCustomer001',
        templateId: 'TPL_RENEWAL',
        page: 'pages/policy/detail?id=1',
        data: {
          thing1: '平安福终身重疾险（2024版）附加投保人豁免',
          date2: '2026年12月31日',
          amount3: '¥5200元',
        },
      });
    const refused = await caught(send());
    expect(refused).toMatchObject({ code: 'WECHAT_NOT_SUBSCRIBED', errcode: 43101 });

    h.sim.subscribe('oCustomer001', 'TPL_RENEWAL', 1);
    await send();
    expect(h.sim.state.subscribeSent[0]?.data.thing1?.value).toBe('平安福终身重疾险（2024版）附加投保…');
    expect([...(h.sim.state.subscribeSent[0]?.data.thing1?.value ?? '')]).toHaveLength(20);
    // The one-time subscription is used up.
    expect((await caught(send())).errcode).toBe(43101);
    expect(h.sim.callsTo('/cgi-bin/stable_token')).toHaveLength(1);
  });
});
