// HTTP: search by name / pinyin initials / phone, the 360 view and the customer list, each at a fixed
// concurrency for a bounded time and request count, against the real API process on loopback; and the
// same load on a bare Koa "hello" on this machine, so our figures can be read as a ratio to it.
import { readFileSync } from 'node:fs';
import { scaleId } from '../../scripts/seed/scale.js';
import { fmtMs, mb, summarize, type SuiteResult } from '../lib/report.js';
import { runLoad, startHello, type LoadResult } from '../lib/processes.js';
import type { BenchContext } from './context.js';

async function login(url: string, who: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: who }),
  });
  if (!res.ok) throw new Error(`dev-login as ${who}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** How long one request may take before the case is reported as "no answer within". */
const PROBE_LIMIT_MS = 100_000;

/** One GET, timed (aborted after PROBE_LIMIT_MS so a slow or stuck server cannot hold the run). */
async function timed(url: string, headers: Record<string, string>): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(PROBE_LIMIT_MS) });
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

/** Peak resident set of a process so far (Linux VmHWM), for the server's memory at this data size. */
export function peakRssOf(pid: number | undefined): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function httpSuite(ctx: BenchContext): Promise<SuiteResult> {
  const lines: string[] = [];
  const spec = { connections: ctx.connections, seconds: ctx.seconds, maxRequests: 20_000 };
  const hello = await startHello();
  let ref: LoadResult;
  try {
    ref = await runLoad({ ...spec, url: `${hello.url}/` });
  } finally {
    await hello.stop();
  }
  const api = await ctx.api();
  const manager = await login(api.url, 'wangjun');
  const agent = await login(api.url, 'zhangwei');
  // A customer from the middle of the generated book (ids are deterministic); the demo's 张三 otherwise.
  const sample =
    ctx.customers > 0
      ? await ctx.db.models.Customer.findOne({
          _id: scaleId('customer', ctx.seed, Math.floor(ctx.customers / 2)),
        }).lean()
      : await ctx.db.models.Customer.findOne({ name: '张三' }).lean();
  if (!sample) throw new Error('no sample customer: run npm run seed (with --customers N) first');
  const phone = sample.phones[0]?.number.replace('+86', '') ?? '';
  const q = (s: string) => `${api.url}/api/v1/customers?q=${encodeURIComponent(s)}`;
  const cases: [string, string, string][] = [
    ['search by name', q(sample.name), manager],
    ['search by pinyin initials', q(sample.nameInitials), manager],
    ['search by phone', q(phone), manager],
    ['search by pinyin initials (agent scope)', q(sample.nameInitials), agent],
    ['360 view', `${api.url}/api/v1/customers/${String(sample._id)}`, manager],
    ['customer list, page 1', `${api.url}/api/v1/customers`, manager],
  ];
  lines.push(
    `fixed concurrency ${ctx.connections}, ${ctx.seconds} s or 20,000 requests per case, autocannon in its own process, loopback`,
    `sample customer: ${sample.name} (${sample.nameInitials}), phone ${phone.slice(0, 3)}****${phone.slice(-4)}; manager = branch scope (all customers), agent = own book`,
    `bare Koa hello: ${ref.rps.toFixed(0)} req/s, median ${fmtMs(ref.p50)} ms, p95 ${fmtMs(ref.p95)} ms, p99 ${fmtMs(ref.p99)} ms`,
  );
  for (const [label, url, token] of cases) {
    const headers = { authorization: `Bearer ${token}` };
    // One request alone first: when a single answer takes a large part of the window, a concurrent run
    // would only measure queueing (or nothing), so such a case is measured sequentially instead.
    let probe: { ms: number; status: number };
    try {
      probe = await timed(url, headers);
    } catch {
      // The embedded database at size: report the bound instead of failing the whole suite.
      lines.push(
        `${label.padEnd(40)} no answer within ${PROBE_LIMIT_MS / 1000} s (request aborted; a lower bound)`,
      );
      continue;
    }
    const sequential = async (why: string) => {
      const ms = [probe.ms];
      const deadline = Date.now() + ctx.seconds * 3 * 1000;
      while (ms.length < 5 && Date.now() < deadline) {
        try {
          ms.push((await timed(url, headers)).ms);
        } catch {
          break;
        }
      }
      const sq = summarize(ms);
      lines.push(
        `${label.padEnd(40)} ${why}: sequential (concurrency 1) ${(1000 / sq.p50).toFixed(2)} req/s, median ${fmtMs(sq.p50)} ms, max ${fmtMs(sq.max)} ms, n=${sq.count}, status ${probe.status}`,
      );
    };
    if (probe.ms * 4 > ctx.seconds * 1000) {
      await sequential('too slow for the concurrent run');
      continue;
    }
    const r = await runLoad({ ...spec, url, headers });
    if (r.requests === 0) {
      // Not one answer within the window at this concurrency: say so, and what one request costs alone.
      await sequential(`no answer within ${ctx.seconds} s at concurrency ${ctx.connections}`);
      continue;
    }
    const ok = r.statuses['200'] ?? 0;
    const bad = r.requests - ok + r.errors;
    lines.push(
      `${label.padEnd(40)} ${r.rps.toFixed(1).padStart(7)} req/s (${(ref.rps / Math.max(r.rps, 0.001)).toFixed(0)}× below hello), median ${fmtMs(r.p50)} ms (${(r.p50 / Math.max(ref.p50, 0.001)).toFixed(0)}× hello), p95 ${fmtMs(r.p95)} ms, p99 ${fmtMs(r.p99)} ms, n=${r.requests}${bad ? `, ${bad} not 200 ${JSON.stringify(r.statuses)} errors ${r.errors}` : ''}`,
    );
  }
  const rss = peakRssOf(api.proc.pid);
  lines.push(`API process peak RSS: ${rss ? mb(rss) : 'n/a (no /proc)'}`);
  return { name: 'HTTP', lines, ...(rss ? { peakRss: rss } : {}) };
}
