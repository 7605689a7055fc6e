// WeCom callbacks: signed, encrypted text callbacks POSTed to /wecom/callback exactly as WeCom sends them
// (core/wecom's codec with the development app's credentials), at a fixed concurrency; figures are
// callbacks per second and the ack latency (verify, decrypt, parse, store, answer).
import { randomInt } from 'node:crypto';
import { cdata } from '#core/wecom/callback-messages';
import { createCallbackCodec } from '#core/wecom/callback-crypto';
import { DEMO_WECOM } from '#core/wecom/demo';
import { fmtMs, summarize, type SuiteResult } from '../lib/report.js';
import type { BenchContext } from './context.js';

export async function callbackSuite(ctx: BenchContext, opts: { count?: number } = {}): Promise<SuiteResult> {
  const api = await ctx.api();
  const codec = createCallbackCodec({
    token: DEMO_WECOM.token,
    encodingAesKey: DEMO_WECOM.encodingAesKey,
    receiveId: DEMO_WECOM.corpId,
  });
  const count = opts.count ?? 2000;
  const deadline = Date.now() + ctx.seconds * 2 * 1000;
  const runTag = Date.now() % 1_000_000;
  let next = 0;
  const ms: number[] = [];
  const statuses = new Map<number, number>();
  const build = (i: number) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomInt(1e9, 1e10));
    // A fresh MsgId per callback: WeCom retries carry the same one and are answered as duplicates.
    const msgId = `7${String(runTag).padStart(6, '0')}${String(i).padStart(12, '0')}`;
    const xml =
      `<xml><ToUserName>${cdata(DEMO_WECOM.corpId)}</ToUserName><FromUserName>${cdata('zhangwei')}</FromUserName>` +
      `<CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${cdata(`日报 ${i}`)}</Content>` +
      `<MsgId>${msgId}</MsgId><AgentID>${DEMO_WECOM.agentId}</AgentID></xml>`;
    const encrypted = codec.encrypt(xml);
    const url = `${api.url}/wecom/callback?msg_signature=${codec.signature(ts, nonce, encrypted)}&timestamp=${ts}&nonce=${nonce}`;
    const body = `<xml><ToUserName>${cdata(DEMO_WECOM.corpId)}</ToUserName><Encrypt>${cdata(encrypted)}</Encrypt><AgentID>${cdata(DEMO_WECOM.agentId)}</AgentID></xml>`;
    return { url, body };
  };
  // Warm-up (not counted).
  for (let i = 0; i < 20; i++) {
    const { url, body } = build(count + i);
    await (await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body })).text();
  }
  const started = performance.now();
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      const i = next++;
      // Signed and encrypted before the clock starts: the figure is the server's ack, not our crypto.
      const { url, body } = build(i);
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      await res.text();
      ms.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: ctx.connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  const s = summarize(ms);
  const ok = statuses.get(200) ?? 0;
  return {
    name: 'WeCom callback',
    lines: [
      `${s.count} signed, encrypted text callbacks at concurrency ${ctx.connections} (bounded: ${count} or ${ctx.seconds * 2} s), API process without the bot (ack path only)`,
      `callbacks: ${(s.count / seconds).toFixed(0)}/s, ack median ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, p99 ${fmtMs(s.p99)} ms; ${ok} answered 200${ok === s.count ? '' : ` (others: ${JSON.stringify(Object.fromEntries(statuses))})`}`,
    ],
  };
}
