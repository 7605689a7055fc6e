import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import Koa from 'koa';
import { cutUtf8, TEXT_MAX_BYTES } from '../core/wecom/builders.js';
import { createCallbackCodec } from '../core/wecom/callback-crypto.js';
import { cdata } from '../core/wecom/callback-messages.js';
import { SUBSCRIBE_RULES, keyType } from '../core/wecom/subscribe-values.js';

// A local stand-in for qyapi.weixin.qq.com and api.weixin.qq.com that follows the documented
// behaviour (wecom-protocol.md): token issuance and expiry, the errcodes for bad secrets, bad or
// expired tokens, invalid users, over-limit sends, invalid subscribe data, 43101; silent dropping of
// app messages over 30 per member per minute. It records everything, and can play WeCom's side of
// the callback: encrypt, sign and POST message XML to Qibao's /wecom/callback.

export interface SimulatorOptions {
  wecom: { corpId: string; agentId: string; agentSecret: string; token: string; encodingAesKey: string };
  wechat: { appId: string; appSecret: string };
  /** Lifetime of issued access_tokens (s). Short values exercise refresh. Default 7200. */
  tokenTtlSeconds?: number;
  /** Who counts as a member of the corp (message recipients). Default: anyone added with addMember. */
  isMember?: (userId: string) => boolean | Promise<boolean>;
  /** Where to POST callbacks when acting as WeCom. */
  callbackUrl?: string;
  clock?: () => Date;
}

/** An app message as the simulator received it. `dropped`: over the per-member limit, never shown. */
export interface RecordedMessage {
  seq: number;
  msgId: string;
  at: string;
  toUser: string;
  msgtype: string;
  /** What the member sees: text/markdown content, or the card's title. */
  preview: string;
  body: Record<string, unknown>;
  dropped: boolean;
}

export interface RecordedCall {
  path: string;
  at: string;
  errcode: number;
}

export interface RecordedCallback {
  seq: number;
  at: string;
  kind: string;
  fromUser: string;
  text: string;
  status: number;
  ms: number;
  /** Decrypted passive reply, when Qibao answered with one. */
  reply: string | undefined;
}

interface Fault {
  path: string;
  errcode: number;
  errmsg: string;
  remaining: number;
}

interface IssuedToken {
  token: string;
  expiresAt: number;
}

const ERRMSG: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40003: 'invalid openid',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40056: 'invalid agentid',
  40096: 'invalid external userid',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  42001: 'access_token expired',
  43101: 'user refuse to accept the msg',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
  47001: 'data format error',
  47003: 'argument invalid!',
  81013: 'user & party & tag all invalid',
};

const MINUTE = 60_000;
const MEMBER_PER_MINUTE = 30;
const REMIND_WINDOW_MS = 24 * 3600_000;
const REMINDS_PER_WINDOW = 3;

/** get_groupmsg_send_result status: 0 not sent yet, 1 sent, 2 not a contact, 3 over the customer's limit. */
export type GroupSendStatus = 0 | 1 | 2 | 3;

/** A mass-message task created by add_msg_template, waiting for its member. */
export interface GroupTask {
  sender: string;
  recipients: Map<string, { status: GroupSendStatus; sendTime?: number }>;
  /** When remind_groupmsg_send was accepted (ms). */
  reminders: number[];
}

/** Creates the simulator (not yet listening). */
export function createSimulator(opts: SimulatorOptions) {
  const clock = opts.clock ?? (() => new Date());
  const now = () => clock().getTime();
  const ttl = opts.tokenTtlSeconds ?? 7200;
  const members = new Set<string>();
  const isMember = opts.isMember ?? ((id: string) => members.has(id));
  const codec = createCallbackCodec({
    token: opts.wecom.token,
    encodingAesKey: opts.wecom.encodingAesKey,
    receiveId: opts.wecom.corpId,
  });
  let callbackUrl = opts.callbackUrl;

  const state = {
    wecomTokens: new Map<string, IssuedToken>(),
    wechatToken: undefined as IssuedToken | undefined,
    messages: [] as RecordedMessage[],
    calls: [] as RecordedCall[],
    callbacks: [] as RecordedCallback[],
    faults: [] as Fault[],
    deliveries: new Map<string, number[]>(),
    externalContacts: new Map<
      string,
      { name: string; unionid?: string; followers: Map<string, { state?: string; createtime: number }> }
    >(),
    groupTasks: new Map<string, GroupTask>(),
    // Mass messages each customer received, by Asia/Shanghai month (the monthly limit of path/92135).
    massReceived: new Map<string, number>(),
    interceptRules: new Map<string, Record<string, unknown>>(),
    wechatCodes: new Map<string, { openid: string; unionid?: string }>(),
    wecomLoginCodes: new Map<string, string>(),
    phoneCodes: new Map<string, string>(),
    subscriptions: new Map<string, number>(),
    subscribeSent: [] as {
      at: string;
      openid: string;
      templateId: string;
      data: Record<string, { value: string }>;
    }[],
    templates: new Set<string>(['TPL_RENEWAL', 'TPL_CLAIM']),
    seq: 0,
  };

  const app = new Koa();
  app.silent = true;
  const router = new Router();

  function answer(ctx: Koa.Context, path: string, body: Record<string, unknown>) {
    const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
    state.calls.push({ path, at: clock().toISOString(), errcode });
    ctx.body = {
      errcode,
      errmsg: errcode === 0 ? 'ok' : (body.errmsg ?? ERRMSG[errcode] ?? 'error'),
      ...body,
    };
  }
  const fail = (ctx: Koa.Context, path: string, errcode: number) => answer(ctx, path, { errcode });

  /** An injected fault for this path, if one is armed. */
  function takeFault(path: string): Fault | undefined {
    const f = state.faults.find((x) => x.path === path && x.remaining > 0);
    if (f) f.remaining--;
    return f;
  }

  function checkToken(ctx: Koa.Context, path: string, kind: 'wecom' | 'wechat'): boolean {
    const token = typeof ctx.query.access_token === 'string' ? ctx.query.access_token : '';
    if (!token) {
      fail(ctx, path, 41001);
      return false;
    }
    const issued =
      kind === 'wecom'
        ? state.wecomTokens.get(token)
        : state.wechatToken?.token === token
          ? state.wechatToken
          : undefined;
    if (!issued) {
      fail(ctx, path, kind === 'wecom' ? 40014 : 40001);
      return false;
    }
    if (issued.expiresAt <= now()) {
      fail(ctx, path, 42001);
      return false;
    }
    const fault = takeFault(path);
    if (fault) {
      answer(ctx, path, { errcode: fault.errcode, errmsg: fault.errmsg });
      return false;
    }
    return true;
  }

  const body = (ctx: Koa.Context) => (ctx.request.body ?? {}) as Record<string, unknown>;

  // ---- WeCom ---------------------------------------------------------------------------------
  router.get('/cgi-bin/gettoken', (ctx) => {
    const path = '/cgi-bin/gettoken';
    if (ctx.query.corpid !== opts.wecom.corpId) return fail(ctx, path, 40013);
    if (ctx.query.corpsecret !== opts.wecom.agentSecret) return fail(ctx, path, 40001);
    const fault = takeFault(path);
    if (fault) return answer(ctx, path, { errcode: fault.errcode, errmsg: fault.errmsg });
    const token = randomBytes(48).toString('base64url');
    state.wecomTokens.set(token, { token, expiresAt: now() + ttl * 1000 });
    answer(ctx, path, { access_token: token, expires_in: ttl });
  });

  router.post('/cgi-bin/message/send', async (ctx) => {
    const path = '/cgi-bin/message/send';
    if (!checkToken(ctx, path, 'wecom')) return;
    const b = body(ctx);
    if (b.__invalid) return fail(ctx, path, 47001);
    if (String(b.agentid) !== opts.wecom.agentId) return fail(ctx, path, 40056);
    const msgtype = String(b.msgtype ?? '');
    const content = b[msgtype] as Record<string, unknown> | undefined;
    if (!['text', 'markdown', 'textcard', 'template_card'].includes(msgtype) || !content)
      return fail(ctx, path, 47001);
    const requested = typeof b.touser === 'string' && b.touser ? b.touser.split('|') : [];
    const valid: string[] = [];
    const invalid: string[] = [];
    for (const u of requested) ((await isMember(u)) ? valid : invalid).push(u);
    const groups = [b.toparty, b.totag].some((v) => typeof v === 'string' && v !== '');
    if (requested.length === 0 && !groups) return fail(ctx, path, 82001);
    // Parties and tags are not modelled: a send to them alone is accepted and recorded for nobody.
    if (valid.length === 0 && !groups) return fail(ctx, path, 81013);
    // WeCom cuts over-long text itself; mirror it so the inspector shows what a member would see.
    if ((msgtype === 'text' || msgtype === 'markdown') && typeof content.content === 'string') {
      content.content = cutUtf8(content.content, TEXT_MAX_BYTES, '');
    }
    const msgId = randomBytes(12).toString('base64url');
    const t = now();
    for (const u of valid) {
      const recent = (state.deliveries.get(u) ?? []).filter((x) => x > t - MINUTE);
      // Over 30 per member per minute: accepted with errcode 0 and silently never delivered.
      const dropped = recent.length >= MEMBER_PER_MINUTE;
      if (!dropped) recent.push(t);
      state.deliveries.set(u, recent);
      state.messages.push({
        seq: ++state.seq,
        msgId,
        at: clock().toISOString(),
        toUser: u,
        msgtype,
        preview: previewOf(msgtype, content),
        body: b,
        dropped,
      });
    }
    const card = msgtype === 'template_card' ? (content as { card_type?: string }) : undefined;
    answer(ctx, path, {
      invaliduser: invalid.map((u) => u.toLowerCase()).join('|'),
      msgid: msgId,
      ...(card?.card_type === 'button_interaction' ? { response_code: randomBytes(16).toString('hex') } : {}),
    });
  });

  router.get('/cgi-bin/externalcontact/get', (ctx) => {
    const path = '/cgi-bin/externalcontact/get';
    if (!checkToken(ctx, path, 'wecom')) return;
    const id = String(ctx.query.external_userid ?? '');
    const c = state.externalContacts.get(id);
    if (!c) return fail(ctx, path, 40096);
    answer(ctx, path, {
      external_contact: {
        external_userid: id,
        name: c.name,
        type: 1,
        ...(c.unionid ? { unionid: c.unionid } : {}),
      },
      follow_user: [...c.followers].map(([userid, f]) => ({
        userid,
        createtime: f.createtime,
        state: f.state ?? '',
      })),
      next_cursor: '',
    });
  });

  router.post('/cgi-bin/externalcontact/batch/get_by_user', (ctx) => {
    const path = '/cgi-bin/externalcontact/batch/get_by_user';
    if (!checkToken(ctx, path, 'wecom')) return;
    const users = (body(ctx).userid_list as string[] | undefined) ?? [];
    if (users.length === 0 || users.length > 100) return fail(ctx, path, 47003);
    const list = [...state.externalContacts].flatMap(([id, c]) =>
      [...c.followers]
        .filter(([u]) => users.includes(u))
        .map(([userid, f]) => ({
          external_contact: {
            external_userid: id,
            name: c.name,
            type: 1,
            ...(c.unionid ? { unionid: c.unionid } : {}),
          },
          follow_info: { userid, createtime: f.createtime, state: f.state ?? '' },
        })),
    );
    answer(ctx, path, { external_contact_list: list, next_cursor: '' });
  });

  router.post('/cgi-bin/externalcontact/add_msg_template', (ctx) => {
    const path = '/cgi-bin/externalcontact/add_msg_template';
    if (!checkToken(ctx, path, 'wecom')) return;
    const b = body(ctx);
    const ids = (b.external_userid as string[] | undefined) ?? [];
    const sender = String(b.sender ?? '');
    const fail_list = ids.filter((id) => !state.externalContacts.get(id)?.followers.has(sender));
    const msgid = `msg${randomBytes(8).toString('hex')}`;
    state.groupTasks.set(msgid, {
      sender,
      recipients: new Map(
        ids.filter((id) => !fail_list.includes(id)).map((id) => [id, { status: 0 as GroupSendStatus }]),
      ),
      reminders: [],
    });
    answer(ctx, path, { fail_list, msgid });
  });

  // path/97610: re-pushes the task to the member; at most 3 reminders per task within 24 h. The doc
  // names no errcode for the fourth; the simulator answers 45009 (frequency limit), as for other limits.
  router.post('/cgi-bin/externalcontact/remind_groupmsg_send', (ctx) => {
    const path = '/cgi-bin/externalcontact/remind_groupmsg_send';
    if (!checkToken(ctx, path, 'wecom')) return;
    const b = body(ctx);
    if (b.__invalid) return fail(ctx, path, 47001);
    const task = state.groupTasks.get(String(b.msgid ?? ''));
    if (!task) return fail(ctx, path, 47003);
    const t = now();
    task.reminders = task.reminders.filter((at) => at > t - REMIND_WINDOW_MS);
    if (task.reminders.length >= REMINDS_PER_WINDOW) return fail(ctx, path, 45009);
    task.reminders.push(t);
    answer(ctx, path, {});
  });

  // path/93338: per-customer results of one member's part of a task, paged (limit ≤ 1000, default 500).
  router.post('/cgi-bin/externalcontact/get_groupmsg_send_result', (ctx) => {
    const path = '/cgi-bin/externalcontact/get_groupmsg_send_result';
    if (!checkToken(ctx, path, 'wecom')) return;
    const b = body(ctx);
    if (b.__invalid) return fail(ctx, path, 47001);
    const task = state.groupTasks.get(String(b.msgid ?? ''));
    const userid = typeof b.userid === 'string' ? b.userid : '';
    if (!task || !userid) return fail(ctx, path, 47003);
    const requested = typeof b.limit === 'number' && Number.isInteger(b.limit) && b.limit > 0 ? b.limit : 500;
    const limit = requested > 1000 ? 500 : requested;
    const offset = typeof b.cursor === 'string' && /^\d+$/.test(b.cursor) ? Number(b.cursor) : 0;
    const all = userid === task.sender ? [...task.recipients] : [];
    const page = all.slice(offset, offset + limit);
    answer(ctx, path, {
      next_cursor: offset + limit < all.length ? String(offset + limit) : '',
      send_list: page.map(([external_userid, r]) => ({
        external_userid,
        userid: task.sender,
        status: r.status,
        ...(r.status === 1 && r.sendTime !== undefined ? { send_time: r.sendTime } : {}),
      })),
    });
  });

  for (const op of ['add', 'update', 'del'] as const) {
    const path = `/cgi-bin/externalcontact/${op}_intercept_rule`;
    router.post(path, (ctx) => {
      if (!checkToken(ctx, path, 'wecom')) return;
      const b = body(ctx);
      if (op === 'add') {
        if (!Array.isArray(b.word_list) || b.word_list.length === 0) return fail(ctx, path, 47003);
        const rule_id = `rule${randomBytes(6).toString('hex')}`;
        state.interceptRules.set(rule_id, b);
        return answer(ctx, path, { rule_id });
      }
      const id = String(b.rule_id ?? '');
      if (!state.interceptRules.has(id)) return fail(ctx, path, 47003);
      if (op === 'del') state.interceptRules.delete(id);
      else state.interceptRules.set(id, { ...state.interceptRules.get(id), ...b });
      answer(ctx, path, {});
    });
  }

  router.get('/cgi-bin/getcallbackip', (ctx) => {
    const path = '/cgi-bin/getcallbackip';
    if (!checkToken(ctx, path, 'wecom')) return;
    answer(ctx, path, { ip_list: ['127.0.0.1'] });
  });

  router.get('/cgi-bin/miniprogram/jscode2session', (ctx) => {
    const path = '/cgi-bin/miniprogram/jscode2session';
    if (!checkToken(ctx, path, 'wecom')) return;
    const code = String(ctx.query.js_code ?? '');
    const userid = state.wecomLoginCodes.get(code);
    if (!userid) return fail(ctx, path, 40029);
    state.wecomLoginCodes.delete(code);
    answer(ctx, path, { corpid: opts.wecom.corpId, userid, session_key: randomBytes(16).toString('base64') });
  });

  // ---- WeChat mini-program -----------------------------------------------------------------
  router.get('/sns/jscode2session', (ctx) => {
    const path = '/sns/jscode2session';
    if (ctx.query.appid !== opts.wechat.appId) return fail(ctx, path, 40013);
    if (ctx.query.secret !== opts.wechat.appSecret) return fail(ctx, path, 40125);
    const fault = takeFault(path);
    if (fault) return answer(ctx, path, { errcode: fault.errcode, errmsg: fault.errmsg });
    const code = String(ctx.query.js_code ?? '');
    const who = state.wechatCodes.get(code);
    if (!who) return fail(ctx, path, 40029);
    state.wechatCodes.delete(code); // single use
    answer(ctx, path, {
      openid: who.openid,
      session_key: randomBytes(16).toString('base64'),
      ...(who.unionid ? { unionid: who.unionid } : {}),
    });
  });

  router.post('/cgi-bin/stable_token', (ctx) => {
    const path = '/cgi-bin/stable_token';
    const b = body(ctx);
    if (b.appid !== opts.wechat.appId) return fail(ctx, path, 40013);
    if (b.secret !== opts.wechat.appSecret) return fail(ctx, path, 40125);
    const current = state.wechatToken;
    if (!current || current.expiresAt <= now() || b.force_refresh === true) {
      state.wechatToken = { token: randomBytes(48).toString('base64url'), expiresAt: now() + ttl * 1000 };
    }
    const t = state.wechatToken as IssuedToken;
    answer(ctx, path, { access_token: t.token, expires_in: Math.round((t.expiresAt - now()) / 1000) });
  });

  router.post('/wxa/business/getuserphonenumber', (ctx) => {
    const path = '/wxa/business/getuserphonenumber';
    if (!checkToken(ctx, path, 'wechat')) return;
    const code = String(body(ctx).code ?? '');
    const phone = state.phoneCodes.get(code);
    if (!phone) return fail(ctx, path, 40029);
    state.phoneCodes.delete(code);
    answer(ctx, path, {
      phone_info: {
        phoneNumber: phone,
        purePhoneNumber: phone,
        countryCode: '86',
        watermark: { timestamp: Math.floor(now() / 1000), appid: opts.wechat.appId },
      },
    });
  });

  router.post('/cgi-bin/message/subscribe/send', (ctx) => {
    const path = '/cgi-bin/message/subscribe/send';
    if (!checkToken(ctx, path, 'wechat')) return;
    const b = body(ctx);
    const openid = String(b.touser ?? '');
    const templateId = String(b.template_id ?? '');
    if (!openid.startsWith('o')) return fail(ctx, path, 40003);
    if (!state.templates.has(templateId)) return fail(ctx, path, 40037);
    const data = (b.data ?? {}) as Record<string, { value?: unknown }>;
    for (const [key, v] of Object.entries(data)) {
      const value = typeof v?.value === 'string' ? v.value : '';
      const rule = SUBSCRIBE_RULES[keyType(key)];
      let ok = Boolean(rule) && value !== '' && !/[\n\r\t]/.test(value);
      try {
        if (ok && rule && rule(value, key) !== value) ok = false; // over-long: WeChat refuses, it does not cut
      } catch {
        ok = false;
      }
      if (!ok)
        return answer(ctx, path, { errcode: 47003, errmsg: `argument invalid! data.${key}.value invalid` });
    }
    const subKey = `${openid}:${templateId}`;
    const left = state.subscriptions.get(subKey) ?? 0;
    if (left <= 0) return fail(ctx, path, 43101);
    state.subscriptions.set(subKey, left - 1); // one-time subscriptions are consumed
    state.subscribeSent.push({
      at: clock().toISOString(),
      openid,
      templateId,
      data: data as Record<string, { value: string }>,
    });
    answer(ctx, path, {});
  });

  // ---- Control and inspection (simulator only) --------------------------------------------
  router.get('/__sim/messages', (ctx) => {
    ctx.body = { messages: state.messages, callbacks: state.callbacks, subscribe: state.subscribeSent };
  });
  router.get('/__sim/calls', (ctx) => {
    ctx.body = { calls: state.calls };
  });
  router.post('/__sim/say', async (ctx) => {
    const b = body(ctx);
    if (typeof b.userId !== 'string' || typeof b.text !== 'string') {
      ctx.status = 400;
      ctx.body = { error: 'userId and text are required' };
      return;
    }
    ctx.body = await sim.say(b.userId, b.text);
  });
  // Acting as WeCom on request (scripts/simulate.ts): the action names mirror the methods below.
  router.post('/__sim/act', async (ctx) => {
    const b = body(ctx);
    const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
    const contact = { userId: s('userId'), externalUserId: s('externalUserId') };
    const actions: Record<string, () => Promise<unknown>> = {
      say: () => sim.say(s('userId'), s('text')),
      'enter-agent': () => sim.enterAgent(s('userId')),
      'verify-url': () => sim.verifyUrl(),
      'add-contact': () =>
        sim.addExternalContact({ ...contact, ...(s('state') ? { state: s('state') } : {}) }),
      'customer-deletes': () => sim.customerDeletesMember(contact),
      'member-deletes': () => sim.memberDeletesCustomer(contact),
      'confirm-groupmsg': async () => sim.confirmGroupMsg(s('msgid'), s('userId')),
    };
    const act = actions[s('action')];
    if (!act || (!s('userId') && s('action') !== 'verify-url')) {
      ctx.status = 400;
      ctx.body = { error: `action must be one of ${Object.keys(actions).join(', ')}, with userId` };
      return;
    }
    ctx.body = await act();
  });
  router.post('/__sim/faults', (ctx) => {
    const b = body(ctx);
    sim.injectFault(String(b.path), Number(b.errcode), Number(b.times ?? 1));
    ctx.body = { ok: true };
  });

  app.use(
    bodyParser({
      enableTypes: ['json'],
      // WeCom answers malformed JSON with 47001, not an HTTP error.
      onError: (_err, ctx) => {
        ctx.request.body = { __invalid: true };
      },
    }),
  );
  app.use(router.routes());
  app.use(router.allowedMethods());

  let server: Server | undefined;

  async function postCallback(xml: string, meta: { kind: string; fromUser: string; text: string }) {
    if (!callbackUrl) throw new Error('simulator has no callback URL to post to');
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = String(randomInt(1e9, 1e10));
    const encrypted = codec.encrypt(xml);
    const url = new URL(callbackUrl);
    url.searchParams.set('msg_signature', codec.signature(timestamp, nonce, encrypted));
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body:
        `<xml><ToUserName>${cdata(opts.wecom.corpId)}</ToUserName>` +
        `<Encrypt>${cdata(encrypted)}</Encrypt><AgentID>${cdata(opts.wecom.agentId)}</AgentID></xml>`,
    });
    const text = await res.text();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    let reply: string | undefined;
    const m =
      /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>[\s\S]*<MsgSignature><!\[CDATA\[([0-9a-f]+)\]\]>[\s\S]*<TimeStamp>(\d+)<\/TimeStamp>[\s\S]*<Nonce><!\[CDATA\[([^\]]+)\]\]>/.exec(
        text,
      );
    if (res.status === 200 && m) reply = codec.open(m[2] ?? '', m[3] ?? '', m[4] ?? '', m[1] ?? '');
    state.callbacks.push({
      seq: ++state.seq,
      at: clock().toISOString(),
      ...meta,
      status: res.status,
      ms,
      reply,
    });
    return { status: res.status, body: text, ms, reply };
  }

  const base = (from: string) =>
    `<ToUserName>${cdata(opts.wecom.corpId)}</ToUserName><FromUserName>${cdata(from)}</FromUserName>` +
    `<CreateTime>${Math.floor(now() / 1000)}</CreateTime>`;

  const sim = {
    app,
    state,
    /** Marks userIds as corp members (valid message recipients) when no isMember was given. */
    addMember(...ids: string[]) {
      for (const id of ids) members.add(id);
    },
    setCallbackUrl(url: string) {
      callbackUrl = url;
    },
    /** The next `times` calls to `path` (after the token check) answer `errcode`. */
    injectFault(path: string, errcode: number, times = 1) {
      state.faults.push({ path, errcode, errmsg: ERRMSG[errcode] ?? 'injected', remaining: times });
    },
    /** Makes every WeCom access_token issued so far expired (as if 7200 s had passed). */
    expireTokens() {
      for (const t of state.wecomTokens.values()) t.expiresAt = now();
      if (state.wechatToken) state.wechatToken.expiresAt = now();
    },
    /** A wx.login code for a WeChat user. */
    issueWechatLoginCode(openid: string, unionid?: string): string {
      const code = `wxcode_${randomBytes(6).toString('hex')}`;
      state.wechatCodes.set(code, unionid ? { openid, unionid } : { openid });
      return code;
    },
    /** A wx.qy.login code for a WeCom member. */
    issueWecomLoginCode(userId: string): string {
      const code = `qycode_${randomBytes(6).toString('hex')}`;
      state.wecomLoginCodes.set(code, userId);
      return code;
    },
    /** A getPhoneNumber code that resolves to `phone`. */
    issuePhoneCode(phone: string): string {
      const code = `phone_${randomBytes(6).toString('hex')}`;
      state.phoneCodes.set(code, phone);
      return code;
    },
    /** The customer accepts `times` one-time subscriptions to `templateId`. */
    subscribe(openid: string, templateId: string, times = 1) {
      state.templates.add(templateId);
      const key = `${openid}:${templateId}`;
      state.subscriptions.set(key, (state.subscriptions.get(key) ?? 0) + times);
    },
    /**
     * The member confirms a mass-message task in the WeCom client (what add_msg_template waits for).
     * Each waiting customer gets status 1 (sent, with send_time), 2 (no longer a contact of the member)
     * or 3 (already received this month's allowance: as many mass messages as the month has days).
     */
    confirmGroupMsg(msgid: string, userId?: string): Record<string, GroupSendStatus> {
      const task = state.groupTasks.get(msgid);
      if (!task || (userId && userId !== task.sender)) throw new Error(`no task ${msgid} for that member`);
      const at = clock();
      const month = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
      const [y, m] = month.split('-').map(Number);
      const daysInMonth = new Date(Date.UTC(y ?? 1970, m ?? 1, 0)).getUTCDate();
      const out: Record<string, GroupSendStatus> = {};
      for (const [id, r] of task.recipients) {
        if (r.status === 0) {
          const key = `${id}:${month}`;
          const received = state.massReceived.get(key) ?? 0;
          if (!state.externalContacts.get(id)?.followers.has(task.sender)) r.status = 2;
          else if (received >= daysInMonth) r.status = 3;
          else {
            r.status = 1;
            r.sendTime = Math.floor(at.getTime() / 1000);
            state.massReceived.set(key, received + 1);
          }
        }
        out[id] = r.status;
      }
      return out;
    },
    /** Delivered (not dropped) app messages, optionally for one member. */
    delivered(toUser?: string): RecordedMessage[] {
      return state.messages.filter((m) => !m.dropped && (toUser === undefined || m.toUser === toUser));
    },
    callsTo(path: string): RecordedCall[] {
      return state.calls.filter((c) => c.path === path);
    },

    // ---- Acting as WeCom -------------------------------------------------------------------
    /** Encrypts and POSTs any message XML (plaintext, as in path/90239) to the callback URL. */
    sendCallbackXml: (xml: string, meta = { kind: 'raw', fromUser: '', text: '' }) => postCallback(xml, meta),
    /**
     * What WeCom does when an admin saves the callback URL: GET with an encrypted, signed echostr
     * (URL-encoded once); the app must answer the decrypted echo as the raw body within 1 s.
     */
    async verifyUrl(): Promise<{ status: number; ok: boolean; ms: number }> {
      if (!callbackUrl) throw new Error('simulator has no callback URL to verify');
      const echo = `${randomInt(1_000_000_000, 9_999_999_999)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
      const timestamp = String(Math.floor(now() / 1000));
      const nonce = String(randomInt(1e9, 1e10));
      const echostr = codec.encrypt(echo);
      const url = new URL(callbackUrl);
      url.searchParams.set('msg_signature', codec.signature(timestamp, nonce, echostr));
      url.searchParams.set('timestamp', timestamp);
      url.searchParams.set('nonce', nonce);
      url.searchParams.set('echostr', echostr);
      const started = performance.now();
      const res = await fetch(url);
      const body = await res.text();
      const ms = Math.round((performance.now() - started) * 10) / 10;
      return { status: res.status, ok: res.status === 200 && body === echo, ms };
    },
    /** A member types `text` to the app in WeCom. */
    say(userId: string, text: string) {
      // MsgIds are 64-bit and above 2^53 in real traffic; keep them that way so precision bugs show.
      const msgId = `${randomInt(4_000_000_000, 9_000_000_000)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
      const xml =
        `<xml>${base(userId)}<MsgType><![CDATA[text]]></MsgType><Content>${cdata(text)}</Content>` +
        `<MsgId>${msgId}</MsgId><AgentID>${opts.wecom.agentId}</AgentID></xml>`;
      return postCallback(xml, { kind: 'text', fromUser: userId, text });
    },
    /** A member opens the app. */
    enterAgent(userId: string) {
      const xml =
        `<xml>${base(userId)}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event>` +
        `<EventKey><![CDATA[]]></EventKey><AgentID>${opts.wecom.agentId}</AgentID></xml>`;
      return postCallback(xml, { kind: 'event:enter_agent', fromUser: userId, text: '' });
    },
    /** A customer adds member `userId` (optionally through a channel `state`): add_external_contact. */
    addExternalContact(input: {
      userId: string;
      externalUserId: string;
      name?: string;
      unionid?: string;
      state?: string;
    }) {
      const c = state.externalContacts.get(input.externalUserId) ?? {
        name: input.name ?? '微信用户',
        ...(input.unionid ? { unionid: input.unionid } : {}),
        followers: new Map(),
      };
      c.followers.set(input.userId, { state: input.state, createtime: Math.floor(now() / 1000) });
      state.externalContacts.set(input.externalUserId, c);
      return contactEvent(
        'add_external_contact',
        input,
        `<WelcomeCode>${cdata(randomBytes(8).toString('hex'))}</WelcomeCode>`,
      );
    },
    /** The member deletes the customer: del_external_contact. */
    memberDeletesCustomer(input: { userId: string; externalUserId: string }) {
      state.externalContacts.get(input.externalUserId)?.followers.delete(input.userId);
      return contactEvent('del_external_contact', input, '');
    },
    /** The customer deletes the member: del_follow_user. */
    customerDeletesMember(input: { userId: string; externalUserId: string }) {
      state.externalContacts.get(input.externalUserId)?.followers.delete(input.userId);
      return contactEvent('del_follow_user', input, '');
    },

    /** Listens on 127.0.0.1:`port` (0 = any free port). */
    async listen(port = 0): Promise<string> {
      server = createServer(app.callback());
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(port, '127.0.0.1', () => resolve());
      });
      return sim.url();
    },
    url(): string {
      if (!server) throw new Error('simulator is not listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close(): Promise<void> {
      const s = server;
      if (!s) return;
      server = undefined;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };

  function contactEvent(
    changeType: string,
    input: { userId: string; externalUserId: string; state?: string },
    extra: string,
  ) {
    const xml =
      `<xml>${base('sys')}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event>` +
      `<ChangeType><![CDATA[${changeType}]]></ChangeType><UserID>${cdata(input.userId)}</UserID>` +
      `<ExternalUserID>${cdata(input.externalUserId)}</ExternalUserID>` +
      (input.state ? `<State>${cdata(input.state)}</State>` : '') +
      `${extra}</xml>`;
    return postCallback(xml, { kind: `event:${changeType}`, fromUser: 'sys', text: input.externalUserId });
  }

  return sim;
}
export type Simulator = ReturnType<typeof createSimulator>;

function previewOf(msgtype: string, content: Record<string, unknown>): string {
  if (typeof content.content === 'string') return content.content;
  if (msgtype === 'textcard') return `${String(content.title ?? '')}\n${String(content.description ?? '')}`;
  const card = content as { main_title?: { title?: string }; sub_title_text?: string };
  return [card.main_title?.title, card.sub_title_text].filter(Boolean).join('\n');
}
