import type { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { createApiTransport, type TimeDeps } from './api-transport.js';
import { secretFingerprint } from './callback-crypto.js';
import { applySubscribeRules } from './subscribe-values.js';
import type { TokenCache } from './token-cache.js';
import { WecomApiError } from './wecom.errors.js';

/** The WeChat mini-program the client acts as. */
export interface WechatAppCredentials {
  apiBase: string;
  appId: string;
  appSecret: string;
}

export interface WechatClientDeps extends TimeDeps {
  app: WechatAppCredentials;
  tokens: TokenCache;
  logger: Logger;
  fetch?: typeof fetch;
  busyBackoffMs?: (retry: number) => number;
}

const WECHAT_CODES: Record<number, ErrorCode> = {
  40029: 'WECHAT_CODE_INVALID',
  40163: 'WECHAT_CODE_INVALID',
  43101: 'WECHAT_NOT_SUBSCRIBED',
  47003: 'WECOM_MESSAGE_INVALID',
  45011: 'WECOM_RATE_LIMITED',
};

export interface PhoneInfo {
  phoneNumber: string;
  purePhoneNumber: string;
  /** A string in observed traffic, a number in the doc example. */
  countryCode: string;
}

/** The WeChat server API for one mini-program (api.weixin.qq.com, or the simulator). */
export function createWechatClient(deps: WechatClientDeps) {
  const { app } = deps;
  const transport = createApiTransport({
    name: 'wechat',
    baseUrl: app.apiBase,
    logger: deps.logger,
    clock: deps.clock,
    sleep: deps.sleep,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.busyBackoffMs ? { busyBackoffMs: deps.busyBackoffMs } : {}),
    // For WeChat, 40001 is "invalid credential / access_token not latest" (for WeCom it is a bad secret).
    invalidTokenCodes: [40001, 40014, 42001],
    codeFor: (errcode) => WECHAT_CODES[errcode],
  });
  const cacheKey = `wechat:${app.appId}:${secretFingerprint(app.appSecret)}`;
  // After a token was refused, the next stable_token must force a new one (a plain call returns the same).
  let forceNext = false;

  async function fetchToken() {
    const force = forceNext;
    forceNext = false;
    const res = await transport.call({
      method: 'POST',
      path: '/cgi-bin/stable_token',
      body: {
        grant_type: 'client_credential',
        appid: app.appId,
        secret: app.appSecret,
        force_refresh: force,
      },
      idempotent: true,
    });
    if (typeof res.access_token !== 'string' || typeof res.expires_in !== 'number') {
      throw new WecomApiError('/cgi-bin/stable_token', 0, 'answer without access_token');
    }
    return { accessToken: res.access_token, expiresIn: res.expires_in };
  }
  const tokens = {
    get: () => deps.tokens.get(cacheKey, fetchToken),
    async invalidate(stale: string) {
      forceNext = true;
      await deps.tokens.invalidate(cacheKey, stale);
    },
  };

  return {
    appId: app.appId,

    /** jscode2session: a wx.login code → openid (+ unionid). The session key never leaves the server. */
    async code2Session(
      jsCode: string,
    ): Promise<{ openId: string; unionId: string | undefined; sessionKey: string }> {
      const res = await transport.call({
        method: 'GET',
        path: '/sns/jscode2session',
        query: { appid: app.appId, secret: app.appSecret, js_code: jsCode, grant_type: 'authorization_code' },
      });
      if (typeof res.openid !== 'string')
        throw new WecomApiError('/sns/jscode2session', 0, 'answer without openid');
      return {
        openId: res.openid,
        unionId: typeof res.unionid === 'string' ? res.unionid : undefined,
        sessionKey: String(res.session_key ?? ''),
      };
    },

    /** A valid mini-program access_token (stable_token, shared through the database). */
    accessToken: () => tokens.get(),

    /** getuserphonenumber: a getPhoneNumber button code → the verified phone number. */
    async getUserPhoneNumber(code: string, openId?: string): Promise<PhoneInfo> {
      const res = await transport.call(
        {
          method: 'POST',
          path: '/wxa/business/getuserphonenumber',
          body: { code, ...(openId ? { openid: openId } : {}) },
        },
        tokens,
      );
      const info = res.phone_info as Record<string, unknown> | undefined;
      if (!info || typeof info.purePhoneNumber !== 'string') {
        throw new WecomApiError('/wxa/business/getuserphonenumber', 0, 'answer without phone_info');
      }
      return {
        phoneNumber: String(info.phoneNumber ?? info.purePhoneNumber),
        purePhoneNumber: info.purePhoneNumber,
        countryCode: String(info.countryCode ?? ''),
      };
    },

    /**
     * subscribe/send with the value rules applied per key type. 43101 (not subscribed, or the
     * one-time subscription is used up) → WECHAT_NOT_SUBSCRIBED, which callers record as "skipped".
     */
    async sendSubscribeMessage(input: {
      toOpenId: string;
      templateId: string;
      page?: string;
      data: Record<string, string>;
      enums?: Record<string, readonly string[]>;
      miniprogramState?: 'developer' | 'trial' | 'formal';
      lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
    }): Promise<void> {
      await transport.call(
        {
          method: 'POST',
          path: '/cgi-bin/message/subscribe/send',
          body: {
            touser: input.toOpenId,
            template_id: input.templateId,
            ...(input.page ? { page: input.page } : {}),
            data: applySubscribeRules(input.data, input.enums),
            miniprogram_state: input.miniprogramState ?? 'formal',
            lang: input.lang ?? 'zh_CN',
          },
        },
        tokens,
      );
    },
  };
}
export type WechatClient = ReturnType<typeof createWechatClient>;
