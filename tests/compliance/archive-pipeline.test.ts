import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createArchiveKeyring } from '#core/compliance/archive/archive.keyring';
import type { ChatArchiveDeps } from '#core/compliance/archive/archive.runtime';
import { DEMO_WECOM } from '#core/wecom/demo';
import { customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { useTestDatabase } from '../setup/test-db.js';
import { fakeTime, startHarness, type FakeTime, type Harness } from '../wecom/harness.js';
import { FakeChatArchive, generateArchiveKeyPair, textMessage } from './fake-chat-archive.js';

// The chat archive as deployed: WeCom POSTs msgaudit_notify (signed, encrypted) to /wecom/callback,
// the stored callback's handler pulls through the SDK boundary (a fake that serves real GetChatData
// records: RSA-encrypted random keys, sealed messages), links each message to agent and customer,
// flags what agents wrote, and the customer's timeline shows the chat.

const db = useTestDatabase();
const org = orgFactory(db);

let keys: { privatePem: string; publicPem: string };
beforeAll(() => {
  keys = generateArchiveKeyPair();
});

const id = () => randomBytes(4).toString('hex');

function archiveDeps(sdk: FakeChatArchive): ChatArchiveDeps {
  return {
    sdk,
    keyring: createArchiveKeyring(new Map([[1, keys.privatePem]])),
    staleAfterHours: 12,
    batchLimit: 2,
  };
}

/** What WeCom sends when new archive data exists (FromUserName sys, at most every 15 s). */
function notifyXml(time: FakeTime): string {
  return (
    `<xml><ToUserName><![CDATA[${DEMO_WECOM.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>` +
    `<CreateTime>${Math.floor(time.clock().getTime() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    `<Event><![CDATA[msgaudit_notify]]></Event><AgentID>${DEMO_WECOM.agentId}</AgentID></xml>`
  );
}

describe('chat archive through msgaudit_notify', () => {
  let h: Harness;
  let time: FakeTime;
  let sdk: FakeChatArchive;

  beforeAll(async () => {
    time = fakeTime();
    sdk = new FakeChatArchive(new Map([[1, keys.publicPem]]));
    h = await startHarness(db(), { time, chatArchive: archiveDeps(sdk) });
  });
  afterAll(() => h?.close());

  test('when WeCom notifies new archive data, then the pull stores and links the messages, flags the agent’s promise and the customer timeline shows the chat', async () => {
    const agent = await org.user('agent', {}, { wecomUserId: `zhangwei_${id()}`, name: '张伟' });
    const other = await org.user('agent', {}, { wecomUserId: `lisi_${id()}` });
    const external = `wm${id()}${id()}`;
    const customer = await customerFactory(() => h.services).customer(agent, {
      name: '王芳',
      identities: { externalUserId: external },
    });
    const t0 = time.clock().getTime() - 60_000;
    const m = `n-${id()}`;
    sdk.add(textMessage(`${m}-1`, agent.wecomUserId, external, '王女士您好，重疾险的保单已经寄出', t0));
    sdk.add(textMessage(`${m}-2`, external, agent.wecomUserId, '好的，这个保本保息吗？', t0 + 1000));
    sdk.add(textMessage(`${m}-3`, agent.wecomUserId, external, '放心，保本保息，稳赚不赔', t0 + 2000));
    sdk.add({
      msgid: `${m}-4`,
      action: 'send',
      from: agent.wecomUserId,
      tolist: [external],
      roomid: '',
      msgtime: t0 + 3000,
      msgtype: 'image',
      image: { md5sum: 'abc', filesize: 2048, sdkfileid: 'CtYBMzA2OTAy' },
    });

    const res = await h.sim.sendCallbackXml(notifyXml(time));
    expect(res.status).toBe(200);
    await h.services.wecom.dispatcher.idle();

    const callback = await db().models.WecomCallback.findOne({ type: 'event:msgaudit_notify' }).lean();
    expect(callback).toMatchObject({ status: 'done', doneHandlers: ['compliance.archive'] });
    // Batches of 2: three GetChatData calls for four records, starting from the checkpoint 0.
    expect(sdk.getChatDataCalls.map((c) => c.seq)).toEqual([0, 2, 4]);
    const checkpoint = await db().models.ChatArchiveCheckpoint.findOne({ key: 'default' }).lean();
    expect(checkpoint).toMatchObject({ seq: 4, lastError: null });

    const stored = await db()
      .models.ChatArchiveMessage.find({ msgid: new RegExp(`^${m}-`) })
      .sort({ seq: 1 })
      .lean();
    expect(
      stored.map((s) => [s.msgid, s.fromStaff, s.agentId?.toString(), s.customerId?.toString()]),
    ).toEqual([
      [`${m}-1`, true, agent.id, customer.id],
      [`${m}-2`, false, agent.id, customer.id],
      [`${m}-3`, true, agent.id, customer.id],
      [`${m}-4`, true, agent.id, customer.id],
    ]);
    const hits = await db()
      .models.ComplianceHit.find({ sourceRef: `${m}-3` })
      .lean();
    expect(hits.map((x) => x.pattern).sort()).toEqual(['保本保息', '稳赚不赔']);
    expect(hits[0]?.customerId?.toString()).toBe(customer.id);

    // The owner sees the chat on the customer's timeline, newest first, next to other entries.
    const token = (await h.services.auth.devLogin(agent.id)).token;
    const timeline = await h
      .http()
      .get(`/api/v1/customers/${customer.id}/timeline`)
      .set('Authorization', `Bearer ${token}`);
    expect(timeline.status).toBe(200);
    const chats = (
      timeline.body.items as { kind: string; title: string; refId: string; detail: Record<string, unknown> }[]
    ).filter((i) => i.kind === 'chat');
    expect(chats.map((c) => c.title)).toEqual([
      '企业微信聊天（顾问）：[图片]',
      '企业微信聊天（顾问）：放心，保本保息，稳赚不赔',
      '企业微信聊天（客户）：好的，这个保本保息吗？',
      '企业微信聊天（顾问）：王女士您好，重疾险的保单已经寄出',
    ]);
    expect(chats[1]?.detail).toMatchObject({ fromStaff: true, agentId: agent.id, complianceHits: 2 });

    // An agent outside the customer's scope sees neither the customer nor the chat.
    const otherToken = (await h.services.auth.devLogin(other.id)).token;
    const denied = await h
      .http()
      .get(`/api/v1/customers/${customer.id}/timeline`)
      .set('Authorization', `Bearer ${otherToken}`);
    expect(denied.status).toBe(404);
  });

  test('when the process restarts and WeCom notifies again, then only the new records are read and nothing is stored or flagged twice', async () => {
    const before = await db().models.ChatArchiveCheckpoint.findOne({ key: 'default' }).lean();
    const storedBefore = await db().models.ChatArchiveMessage.countDocuments();
    const hitsBefore = await db().models.ComplianceHit.countDocuments();
    const agent = await org.user('agent', {}, { wecomUserId: `wangwu_${id()}` });
    const external = `wo${id()}${id()}`;
    const m = `r-${id()}`;
    sdk.add(
      textMessage(`${m}-1`, agent.wecomUserId, external, '这款产品可以给您返佣', time.clock().getTime()),
    );

    // A new process over the same database and SDK: new services, new dispatcher.
    await h.close();
    sdk.getChatDataCalls = [];
    time.advance(20_000);
    h = await startHarness(db(), { time, chatArchive: archiveDeps(sdk) });
    expect((await h.sim.sendCallbackXml(notifyXml(time))).status).toBe(200);
    await h.services.wecom.dispatcher.idle();

    expect(sdk.getChatDataCalls[0]?.seq).toBe(before?.seq);
    expect(await db().models.ChatArchiveMessage.countDocuments()).toBe(storedBefore + 1);
    expect(await db().models.ComplianceHit.countDocuments()).toBe(hitsBefore + 1);
    expect((await db().models.ChatArchiveCheckpoint.findOne({ key: 'default' }).lean())?.seq).toBe(
      (before?.seq ?? 0) + 1,
    );
    // The customer is not in Qibao yet: the message is kept with the external id, unlinked.
    const msg = await db()
      .models.ChatArchiveMessage.findOne({ msgid: `${m}-1` })
      .lean();
    expect(msg).toMatchObject({ externalUserId: external, fromStaff: true });
    expect(msg?.customerId ?? undefined).toBeUndefined();

    // Once the customer is created with that external_userid, the earlier chat is on their timeline.
    const customer = await customerFactory(() => h.services).customer(agent, {
      identities: { externalUserId: external },
    });
    const token = (await h.services.auth.devLogin(agent.id)).token;
    const timeline = await h
      .http()
      .get(`/api/v1/customers/${customer.id}/timeline`)
      .set('Authorization', `Bearer ${token}`);
    expect(timeline.body.items).toEqual([
      expect.objectContaining({
        kind: 'chat',
        refId: `${m}-1`,
        title: '企业微信聊天（顾问）：这款产品可以给您返佣',
      }),
    ]);
  });
});

describe('msgaudit_notify with the chat archive off', () => {
  test('when WeCom notifies but no archive is configured, then the callback is acknowledged and done, and nothing is pulled', async () => {
    const time = fakeTime(Date.parse('2026-11-21T02:00:00Z'));
    const h = await startHarness(db(), { time });
    try {
      expect(h.services.chatArchive).toBeUndefined();
      const checkpoints = await db().models.ChatArchiveCheckpoint.countDocuments();
      const res = await h.sim.sendCallbackXml(notifyXml(time));
      expect(res.status).toBe(200);
      await h.services.wecom.dispatcher.idle();
      const callback = await db()
        .models.WecomCallback.findOne({ type: 'event:msgaudit_notify', receivedAt: time.clock() })
        .lean();
      expect(callback).toMatchObject({ status: 'done', doneHandlers: ['compliance.archive'] });
      expect(await db().models.ChatArchiveCheckpoint.countDocuments()).toBe(checkpoints);
    } finally {
      await h.close();
    }
  });
});
