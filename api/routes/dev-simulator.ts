import { Router } from '@koa/router';
import { z } from 'zod';
import { AppError } from '#core/errors';
import { parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';

// Development only: /dev/simulator shows what the local WeCom simulator saw — messages members sent to
// the app (the callbacks Qibao stored, with their processing status) and app messages Qibao sent to
// members — as a chat timeline, roughly as the WeCom client would show it. It talks to the simulator
// over HTTP (its /__sim endpoints), so the API does not depend on the simulator's code.

export const saySchema = z.strictObject({
  userId: z.string().trim().min(1).max(64),
  text: z.string().min(1).max(2000),
});

interface SimMessages {
  messages: { seq: number; at: string; toUser: string; msgtype: string; preview: string; dropped: boolean }[];
  callbacks: {
    seq: number;
    at: string;
    kind: string;
    fromUser: string;
    text: string;
    status: number;
    ms: number;
    reply?: string;
  }[];
}

interface TimelineItem {
  at: string;
  member: string;
  direction: 'in' | 'out';
  kind: string;
  text: string;
  note: string;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** GET /dev/simulator (HTML), GET /dev/simulator/timeline, POST /dev/simulator/say. */
export function devSimulatorRouter(deps: Pick<AppDeps, 'services'>) {
  const router = new Router<AppState>();
  const wecom = deps.services.wecom;

  function simulatorUrl(): string {
    const s = wecom.settings;
    if (!s?.simulated) {
      throw new AppError('WECOM_NOT_CONFIGURED', 'no simulator in this process', {
        userMessage: '当前未使用企业微信模拟器',
      });
    }
    return s.apiBase;
  }

  async function timeline(member: string | undefined): Promise<TimelineItem[]> {
    const res = await fetch(new URL('/__sim/messages', simulatorUrl()));
    const sim = (await res.json()) as SimMessages;
    const stored = await wecom.callbacks.listRecent(200);
    const items: TimelineItem[] = [
      ...stored.map((c) => {
        const m = c.message;
        const text =
          m.kind === 'text'
            ? m.content
            : m.kind === 'event' && m.event === 'change_external_contact'
              ? `${m.changeType} ${m.externalUserId}${m.state ? ` (state ${m.state})` : ''}`
              : c.type;
        const member =
          m.kind === 'event' && m.event === 'change_external_contact' ? m.userId : c.fromUserName;
        return {
          at: c.receivedAt.toISOString(),
          member,
          direction: 'in' as const,
          kind: c.type,
          text,
          note: `${c.status}${c.duplicates ? ` · 重复 ${c.duplicates} 次` : ''}${c.lastError ? ` · ${c.lastError}` : ''}`,
        };
      }),
      ...sim.messages.map((m) => ({
        at: m.at,
        member: m.toUser,
        direction: 'out' as const,
        kind: m.msgtype,
        text: m.preview,
        note: m.dropped ? '超过每分钟 30 条，已被企业微信丢弃' : '已送达',
      })),
    ];
    return items
      .filter((i) => member === undefined || i.member === member)
      .sort((a, b) => a.at.localeCompare(b.at))
      .slice(-300);
  }

  router.get('/dev/simulator/timeline', async (ctx) => {
    const member = typeof ctx.query.member === 'string' && ctx.query.member ? ctx.query.member : undefined;
    ctx.body = { items: await timeline(member) };
  });

  router.post('/dev/simulator/say', async (ctx) => {
    const input = parseInput(saySchema, ctx.request.body, 'body');
    const res = await fetch(new URL('/__sim/say', simulatorUrl()), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    ctx.body = await res.json();
  });

  router.get('/dev/simulator', async (ctx) => {
    const member = typeof ctx.query.member === 'string' && ctx.query.member ? ctx.query.member : undefined;
    const items = await timeline(member);
    const members = [...new Set(items.map((i) => i.member))].sort();
    const rows = items
      .map(
        (i) =>
          `<div class="row ${i.direction}"><div class="meta">${escapeHtml(i.direction === 'in' ? i.member : `企保 → ${i.member}`)} · ${escapeHtml(
            new Date(i.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }),
          )} · ${escapeHtml(i.kind)}</div><div class="bubble">${escapeHtml(i.text).replaceAll('\n', '<br>')}</div><div class="note">${escapeHtml(i.note)}</div></div>`,
      )
      .join('\n');
    ctx.type = 'text/html';
    ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>企业微信模拟器 · 企保</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;margin:0}
header{background:#2b2b2b;color:#fff;padding:10px 16px}header a{color:#9cf;margin-right:8px}
main{max-width:760px;margin:0 auto;padding:12px}
.row{margin:10px 0;display:flex;flex-direction:column}.row.in{align-items:flex-start}.row.out{align-items:flex-end}
.bubble{max-width:80%;padding:8px 12px;border-radius:6px;white-space:normal;word-break:break-word}
.in .bubble{background:#fff}.out .bubble{background:#95ec69}
.meta,.note{font-size:12px;color:#888;margin:2px 4px}
form{display:flex;gap:6px;margin:12px 0}form input{padding:6px}form input[name=text]{flex:1}
</style></head><body>
<header>企业微信模拟器（仅开发环境）· 成员：<a href="/dev/simulator">全部</a>${members
      .map((m) => `<a href="/dev/simulator?member=${encodeURIComponent(m)}">${escapeHtml(m)}</a>`)
      .join('')}</header>
<main>
<form id="say"><input name="userId" placeholder="成员 UserID" value="${escapeHtml(member ?? '')}" required>
<input name="text" placeholder="以该成员身份给应用发消息" required><button>发送</button></form>
${rows || '<p>还没有消息。用上面的表单或 <code>npm run simulate -- say &lt;userId&gt; "你好"</code> 发一条。</p>'}
</main>
<script>
document.getElementById('say').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  await fetch('/dev/simulator/say', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: f.get('userId'), text: f.get('text') }) });
  setTimeout(() => location.reload(), 300);
});
</script></body></html>`;
  });

  return router;
}
