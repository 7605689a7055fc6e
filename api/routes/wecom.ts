import { Router } from '@koa/router';
import type Koa from 'koa';
import { AppError } from '#core/errors';
import {
  dedupeKeyOf,
  parseCallbackMessage,
  parseEnvelope,
  textReplyXml,
  typeLabel,
} from '#core/wecom/callback-messages';
import type { AppDeps, AppState } from '../context.js';

// WeCom callbacks (path/90930, path/90968). Mounted before the JSON body parser: the body is XML and is
// read raw here. The POST answers 200 with an empty body ("no passive reply") as soon as the callback is
// stored; handlers run afterwards (WeCom gives 5 s and retries on timeouts, not on slow handlers).

/** Callback bodies are a few KiB at most; anything much larger is not WeCom. */
const MAX_BODY_BYTES = 64 * 1024;
const TIMESTAMP = /^\d{1,12}$/;

function malformed(message: string): AppError {
  return new AppError('WECOM_CALLBACK_MALFORMED', message, { userMessage: '回调请求无效' });
}

function param(ctx: Koa.ParameterizedContext<AppState>, name: string): string {
  const v = ctx.query[name];
  if (typeof v !== 'string' || v === '') throw malformed(`query parameter ${name} missing`);
  return v;
}

async function readRawBody(ctx: Koa.ParameterizedContext<AppState>): Promise<string> {
  const declared = Number(ctx.get('content-length') || '0');
  const tooLarge = () =>
    new AppError('PAYLOAD_TOO_LARGE', `callback body over ${MAX_BODY_BYTES} bytes`, {
      userMessage: '提交的内容过大',
    });
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GET|POST /wecom/callback. */
export function wecomRouter(deps: Pick<AppDeps, 'services' | 'clock'>) {
  const router = new Router<AppState>();
  const wecom = deps.services.wecom;

  function checkFreshness(timestamp: string): void {
    if (!TIMESTAMP.test(timestamp)) throw malformed('timestamp is not an integer');
    const maxSkew = wecom.settings?.callbackMaxSkewSeconds ?? 300;
    if (maxSkew === 0) return;
    const skew = Math.abs(Math.floor(deps.clock().getTime() / 1000) - Number(timestamp));
    if (skew > maxSkew) {
      throw new AppError('WECOM_CALLBACK_STALE', `timestamp ${skew} s away from now (max ${maxSkew})`, {
        userMessage: '回调请求已过期',
      });
    }
  }

  function codecOrFail() {
    if (!wecom.codec) {
      throw new AppError('WECOM_NOT_CONFIGURED', 'callback received but WeCom is not configured', {
        userMessage: '企业微信尚未配置',
      });
    }
    return wecom.codec;
  }

  /** Logs refusals at warn (they are either misconfiguration or someone probing) and rethrows. */
  async function guarded(ctx: Koa.ParameterizedContext<AppState>, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (err instanceof AppError) {
        ctx.state.log.warn(
          { code: err.code, reason: err.message, details: err.details, ip: ctx.ip },
          'WeCom callback refused',
        );
      }
      throw err;
    }
  }

  // URL verification: answer the decrypted echostr as the raw body, nothing else.
  router.get('/wecom/callback', (ctx) =>
    guarded(ctx, async () => {
      const codec = codecOrFail();
      const timestamp = param(ctx, 'timestamp');
      checkFreshness(timestamp);
      // The query parser turns a literal '+' into a space; Base64 never contains spaces.
      const echostr = param(ctx, 'echostr').replaceAll(' ', '+');
      const plain = codec.open(param(ctx, 'msg_signature'), timestamp, param(ctx, 'nonce'), echostr);
      ctx.type = 'text/plain';
      ctx.body = plain;
      ctx.state.log.info('WeCom callback URL verified');
    }),
  );

  router.post('/wecom/callback', (ctx) =>
    guarded(ctx, async () => {
      const codec = codecOrFail();
      const msgSignature = param(ctx, 'msg_signature');
      const timestamp = param(ctx, 'timestamp');
      const nonce = param(ctx, 'nonce');
      checkFreshness(timestamp);
      const raw = await readRawBody(ctx);
      if (!raw.trimStart().startsWith('<')) throw malformed('body is not XML');
      const envelope = await parseEnvelope(raw);
      const xml = codec.open(msgSignature, timestamp, nonce, envelope.encrypt);
      const message = await parseCallbackMessage(xml);
      // With a passive-reply consumer here (the bot), wait a bounded time for its text reply.
      const passive = wecom.passiveReplies.wants(message)
        ? wecom.passiveReplies.expect(dedupeKeyOf(message))
        : undefined;
      let stored;
      try {
        stored = await wecom.dispatcher.accept(message, xml);
      } catch (err) {
        passive?.cancel();
        throw err;
      }
      if (stored.duplicate) passive?.cancel();
      const reply = passive ? await passive.result : undefined;
      ctx.status = 200;
      ctx.body =
        reply && wecom.settings
          ? codec.sealReply(
              textReplyXml({
                toUser: message.fromUserName,
                corpId: wecom.settings.corpId,
                createTime: Math.floor(deps.clock().getTime() / 1000),
                content: reply,
              }),
              { timestamp, nonce },
            )
          : '';
      ctx.state.log.info(
        { callbackId: stored.id, type: typeLabel(message), duplicate: stored.duplicate },
        stored.duplicate
          ? 'WeCom callback repeated (already stored)'
          : reply
            ? 'WeCom callback stored and answered with a passive reply'
            : 'WeCom callback stored',
      );
    }),
  );

  return router;
}
