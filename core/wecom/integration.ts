import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { UserRepository } from '../user/user.repository.js';
import { realSleep } from './api-transport.js';
import { createCallbackCodec, type CallbackCodec } from './callback-crypto.js';
import {
  createCallbackDispatcher,
  createCallbackRegistry,
  type CallbackDispatcherDeps,
} from './callback.dispatcher.js';
import { createCallbackRepository } from './callback.repository.js';
import {
  createExternalContactRepository,
  registerContactEventHandlers,
  type ContactEventPorts,
} from './contact-events.js';
import { createMemberPacer } from './pacer.js';
import { createPassiveReplies } from './passive-reply.js';
import { createTokenCache } from './token-cache.js';
import { createWechatClient, type WechatClient } from './wechat.client.js';
import { createWecomClient, type WecomClient } from './wecom.client.js';
import type { WecomModels } from './wecom.model.js';

/** Everything needed to speak to WeCom (and the WeChat mini-program) as Qibao's app. */
export interface WecomSettings {
  corpId: string;
  agentId: string;
  agentSecret: string;
  /** Callback Token and EncodingAESKey (接收消息 settings). */
  token: string;
  encodingAesKey: string;
  apiBase: string;
  /** 0 turns the timestamp check off. */
  callbackMaxSkewSeconds: number;
  wechat: { appId: string; appSecret: string; apiBase: string } | undefined;
  /** True when these are the built-in simulator's demo values. */
  simulated: boolean;
}

export interface WecomIntegrationDeps {
  models: WecomModels;
  users: UserRepository;
  logger: Logger;
  clock: () => Date;
  /** Undefined: WeCom is not set up in this process (callbacks answer 503, clients refuse). */
  settings: WecomSettings | undefined;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Tunables tests shrink so back-off and leases take milliseconds. */
  timing?: {
    busyBackoffMs?: (retry: number) => number;
    rateLimitWindowMs?: { 45009: number; 45033: number };
    tokenPollMs?: number;
    dispatcher?: Pick<CallbackDispatcherDeps, 'leaseMs' | 'maxAttempts' | 'retryDelayMs' | 'sweepIntervalMs'>;
  };
  contactPorts?: ContactEventPorts;
}

/**
 * The WeCom/WeChat integration shared by API, bot and jobs: callback codec, the callback inbox with
 * its handler registry and dispatcher, the server-API clients (token cache in the database, pacing).
 */
export function createWecomIntegration(deps: WecomIntegrationDeps) {
  const sleep = deps.sleep ?? realSleep;
  const time = { clock: deps.clock, sleep };
  const s = deps.settings;
  const logger = deps.logger;
  const tokens = createTokenCache({
    models: deps.models,
    ...time,
    ...(deps.timing?.tokenPollMs ? { pollMs: deps.timing.tokenPollMs } : {}),
  });
  const pacer = createMemberPacer(time);
  const callbacks = createCallbackRepository(deps.models);
  const registry = createCallbackRegistry();
  const dispatcher = createCallbackDispatcher({
    callbacks,
    registry,
    logger,
    clock: deps.clock,
    ...deps.timing?.dispatcher,
  });
  const contacts = createExternalContactRepository(deps.models);

  const codec: CallbackCodec | undefined = s
    ? createCallbackCodec({ token: s.token, encodingAesKey: s.encodingAesKey, receiveId: s.corpId })
    : undefined;
  const client: WecomClient | undefined = s
    ? createWecomClient({
        app: { apiBase: s.apiBase, corpId: s.corpId, agentId: s.agentId, agentSecret: s.agentSecret },
        tokens,
        pacer,
        logger,
        ...time,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(deps.timing?.busyBackoffMs ? { busyBackoffMs: deps.timing.busyBackoffMs } : {}),
        ...(deps.timing?.rateLimitWindowMs ? { rateLimitWindowMs: deps.timing.rateLimitWindowMs } : {}),
      })
    : undefined;
  const wechat: WechatClient | undefined = s?.wechat
    ? createWechatClient({
        app: s.wechat,
        tokens,
        logger,
        ...time,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(deps.timing?.busyBackoffMs ? { busyBackoffMs: deps.timing.busyBackoffMs } : {}),
      })
    : undefined;

  if (s) {
    registerContactEventHandlers({
      registry,
      contacts,
      corpId: s.corpId,
      users: deps.users,
      client: () => client,
      logger,
      clock: deps.clock,
      ...(deps.contactPorts ? { ports: deps.contactPorts } : {}),
    });
  }

  const notConfigured = (what: string) =>
    new AppError('WECOM_NOT_CONFIGURED', `${what} is not configured`, { userMessage: '企业微信尚未配置' });

  return {
    settings: s,
    codec,
    /** Subscribe to callbacks here (bot, leads, compliance). */
    registry,
    /** Passive replies: a handler in this process may answer the callback's HTTP request (the bot). */
    passiveReplies: createPassiveReplies(),
    dispatcher,
    callbacks,
    contacts,
    pacer,
    client,
    wechat,
    /** The WeCom client, or WECOM_NOT_CONFIGURED. */
    requireClient(): WecomClient {
      if (!client) throw notConfigured('WeCom');
      return client;
    },
    /** The WeChat mini-program client, or WECOM_NOT_CONFIGURED. */
    requireWechat(): WechatClient {
      if (!wechat) throw notConfigured('WeChat mini-program');
      return wechat;
    },
  };
}
export type WecomIntegration = ReturnType<typeof createWecomIntegration>;
