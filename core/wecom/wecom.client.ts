import type { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { createApiTransport, type ApiResponse, type TimeDeps } from './api-transport.js';
import type { AppMessageBody } from './builders.js';
import { secretFingerprint } from './callback-crypto.js';
import type { MemberPacer } from './pacer.js';
import type { TokenCache } from './token-cache.js';
import { WecomApiError } from './wecom.errors.js';

/** The self-built app the client acts as. */
export interface WecomAppCredentials {
  apiBase: string;
  corpId: string;
  agentId: string;
  agentSecret: string;
}

export interface WecomClientDeps extends TimeDeps {
  app: WecomAppCredentials;
  tokens: TokenCache;
  pacer: MemberPacer;
  logger: Logger;
  fetch?: typeof fetch;
  busyBackoffMs?: (retry: number) => number;
  rateLimitWindowMs?: { 45009: number; 45033: number };
}

/** Recipients of an app message; at least one list must be non-empty. */
export interface Recipients {
  toUser?: string[];
  toParty?: string[];
  toTag?: string[];
}

export interface SendResult {
  msgId: string | undefined;
  /** Recipients WeCom refused (the send still went to the others). UserIDs come back lower-cased. */
  invalidUser: string[];
  invalidParty: string[];
  invalidTag: string[];
  unlicensedUser: string[];
  /** For interactive cards: lets the card be updated; valid 72 h, single use. */
  responseCode: string | undefined;
}

// WeCom's errcodes that Qibao surfaces as their own error codes (path/90313).
const WECOM_CODES: Record<number, ErrorCode> = {
  81013: 'WECOM_INVALID_RECIPIENTS',
  82001: 'WECOM_INVALID_RECIPIENTS',
  40029: 'WECHAT_CODE_INVALID',
};

const splitBar = (v: unknown) => (typeof v === 'string' && v !== '' ? v.split('|') : []);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The WeCom server API for one self-built app (qyapi.weixin.qq.com, or the simulator). */
export function createWecomClient(deps: WecomClientDeps) {
  const { app } = deps;
  const transport = createApiTransport({
    name: 'wecom',
    baseUrl: app.apiBase,
    logger: deps.logger,
    clock: deps.clock,
    sleep: deps.sleep,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.busyBackoffMs ? { busyBackoffMs: deps.busyBackoffMs } : {}),
    ...(deps.rateLimitWindowMs ? { rateLimitWindowMs: deps.rateLimitWindowMs } : {}),
    invalidTokenCodes: [40014, 42001],
    codeFor: (errcode) => WECOM_CODES[errcode],
  });
  const cacheKey = `wecom:${app.corpId}:${secretFingerprint(app.agentSecret)}`;

  async function fetchToken() {
    const res = await transport.call({
      method: 'GET',
      path: '/cgi-bin/gettoken',
      query: { corpid: app.corpId, corpsecret: app.agentSecret },
      idempotent: true,
    });
    if (typeof res.access_token !== 'string' || typeof res.expires_in !== 'number') {
      throw new WecomApiError('/cgi-bin/gettoken', 0, 'answer without access_token');
    }
    return { accessToken: res.access_token, expiresIn: res.expires_in };
  }
  const tokens = {
    get: () => deps.tokens.get(cacheKey, fetchToken),
    invalidate: (stale: string) => deps.tokens.invalidate(cacheKey, stale),
  };
  const get = (path: string, query: Record<string, string | undefined> = {}) =>
    transport.call({ method: 'GET', path, query, idempotent: true }, tokens);
  const post = (path: string, body: unknown, idempotent = false) =>
    transport.call({ method: 'POST', path, body, idempotent }, tokens);

  return {
    corpId: app.corpId,
    agentId: app.agentId,

    /** A valid access_token (shared with every process through the database). */
    accessToken: () => tokens.get(),

    /**
     * message/send. Paced per member (≤ 30/min, ≤ 1000/h, in this process) because WeCom drops the
     * excess silently;
     * 81013 (every recipient invalid) → WECOM_INVALID_RECIPIENTS; partly invalid lists come back in
     * the result.
     */
    async sendMessage(
      to: Recipients,
      message: AppMessageBody,
      opts: {
        safe?: boolean;
        enableDuplicateCheck?: boolean;
        duplicateCheckIntervalS?: number;
        /**
         * Longest the call may wait for a member's pacing slot (default: as long as needed). Queue
         * workers pass a small value and reschedule on MemberPacingError instead of holding a lease.
         */
        maxPacingWaitMs?: number;
      } = {},
    ): Promise<SendResult> {
      const users = to.toUser ?? [];
      if (users.length === 0 && !to.toParty?.length && !to.toTag?.length) {
        throw new WecomApiError('/cgi-bin/message/send', 82001, 'no recipients given', {
          code: 'WECOM_INVALID_RECIPIENTS',
          userMessage: '没有指定消息接收人',
        });
      }
      if (users.length > 1000) throw new Error('message/send takes at most 1000 users per call');
      if (!users.includes('@all')) {
        await deps.pacer.acquire(
          users,
          opts.maxPacingWaitMs === undefined ? {} : { maxWaitMs: opts.maxPacingWaitMs },
        );
      }
      const res = await post('/cgi-bin/message/send', {
        touser: users.join('|') || undefined,
        toparty: to.toParty?.join('|') || undefined,
        totag: to.toTag?.join('|') || undefined,
        agentid: Number(app.agentId),
        ...message,
        safe: opts.safe ? 1 : 0,
        enable_duplicate_check: opts.enableDuplicateCheck ? 1 : 0,
        ...(opts.duplicateCheckIntervalS ? { duplicate_check_interval: opts.duplicateCheckIntervalS } : {}),
      });
      return {
        msgId: str(res.msgid),
        invalidUser: splitBar(res.invaliduser),
        invalidParty: splitBar(res.invalidparty),
        invalidTag: splitBar(res.invalidtag),
        unlicensedUser: splitBar(res.unlicenseduser),
        responseCode: str(res.response_code),
      };
    },

    /** externalcontact/get: one customer and the members following them (paged over > 500 followers). */
    getExternalContact: (externalUserId: string, cursor?: string): Promise<ApiResponse> =>
      get('/cgi-bin/externalcontact/get', { external_userid: externalUserId, cursor }),

    /** externalcontact/batch/get_by_user: customers of up to 100 members. */
    batchGetByUser(input: { userIds: string[]; cursor?: string; limit?: number }): Promise<ApiResponse> {
      if (input.userIds.length < 1 || input.userIds.length > 100)
        throw new Error('userid_list takes 1 to 100 members');
      return post(
        '/cgi-bin/externalcontact/batch/get_by_user',
        { userid_list: input.userIds, cursor: input.cursor ?? '', limit: Math.min(input.limit ?? 50, 100) },
        true,
      );
    },

    /**
     * add_msg_template: creates a mass-message task that the member must confirm in the WeCom client;
     * nothing is sent by this call.
     */
    addMsgTemplate(body: {
      chat_type?: 'single' | 'group';
      external_userid?: string[];
      chat_id_list?: string[];
      sender?: string;
      allow_select?: boolean;
      text?: { content: string };
      attachments?: Record<string, unknown>[];
    }): Promise<ApiResponse> {
      if ((body.external_userid?.length ?? 0) > 10_000)
        throw new Error('external_userid takes at most 10000 ids');
      if ((body.attachments?.length ?? 0) > 9) throw new Error('at most 9 attachments');
      if (body.text && Buffer.byteLength(body.text.content) > 4000)
        throw new Error('text.content over 4000 bytes');
      if (!body.text?.content && !body.attachments?.length)
        throw new Error('text and attachments cannot both be empty');
      return post('/cgi-bin/externalcontact/add_msg_template', body);
    },

    /** remind_groupmsg_send: nudges the member (≤ 3 times per task within 24 h). */
    remindGroupmsgSend: (msgId: string) =>
      post('/cgi-bin/externalcontact/remind_groupmsg_send', { msgid: msgId }),

    /** get_groupmsg_send_result: per-customer outcome of a mass-message task for one member. */
    getGroupmsgSendResult: (input: { msgId: string; userId: string; limit?: number; cursor?: string }) =>
      post(
        '/cgi-bin/externalcontact/get_groupmsg_send_result',
        { msgid: input.msgId, userid: input.userId, limit: input.limit ?? 500, cursor: input.cursor ?? '' },
        true,
      ),

    /** Sensitive-word intercept rules (敏感词拦截), fed by the compliance lexicon. */
    addInterceptRule: (rule: {
      rule_name: string;
      word_list: string[];
      intercept_type: 1 | 2;
      applicable_range: { user_list?: string[]; department_list?: number[] };
    }) => post('/cgi-bin/externalcontact/add_intercept_rule', rule),
    updateInterceptRule: (rule: {
      rule_id: string;
      rule_name?: string;
      word_list?: string[];
      intercept_type?: 1 | 2;
    }) => post('/cgi-bin/externalcontact/update_intercept_rule', rule),
    deleteInterceptRule: (ruleId: string) =>
      post('/cgi-bin/externalcontact/del_intercept_rule', { rule_id: ruleId }),

    /** getcallbackip: the addresses WeCom's callbacks come from (changes over time). */
    async getCallbackIps(): Promise<string[]> {
      const res = await get('/cgi-bin/getcallbackip');
      return Array.isArray(res.ip_list) ? res.ip_list.filter((x): x is string => typeof x === 'string') : [];
    },

    /** miniprogram/jscode2session: a wx.qy.login code → the member (uses the WeCom app token). */
    async miniprogramCode2Session(
      jsCode: string,
    ): Promise<{ corpId: string; userId: string; sessionKey: string }> {
      const res = await get('/cgi-bin/miniprogram/jscode2session', {
        js_code: jsCode,
        grant_type: 'authorization_code',
      });
      return {
        corpId: String(res.corpid ?? ''),
        userId: String(res.userid ?? ''),
        sessionKey: String(res.session_key ?? ''),
      };
    },
  };
}
export type WecomClient = ReturnType<typeof createWecomClient>;
