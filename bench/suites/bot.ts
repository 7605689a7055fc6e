// The bot: `查 <name>` reply latency through the whole engine (parse → scoped search → 360 view → card),
// as bench/bot-query.ts measures it, but on the seeded book at size instead of a throwaway one.
import { createBot } from '#bot/engine';
import { createServices } from '#core/services';
import { scaleId, prng } from '../../scripts/seed/scale.js';
import { fmtMs, summarize, type SuiteResult } from '../lib/report.js';
import type { BenchContext } from './context.js';

export async function botSuite(
  ctx: BenchContext,
  opts: { queries?: number; secret: string },
): Promise<SuiteResult> {
  const queries = opts.queries ?? 100;
  const clock = () => new Date();
  const services = createServices({ db: ctx.db, secret: opts.secret, sessionTtlSeconds: 60, clock });
  const bot = createBot({ services, db: ctx.db, clock });
  await bot.ready();
  // Names of generated customers picked by deterministic id (`{ _id }` lookups: no scan to choose them).
  const r = prng(99);
  const names: string[] = [];
  for (let i = 0; i < 40 && ctx.customers > 0; i++) {
    const c = await ctx.db.models.Customer.findOne(
      { _id: scaleId('customer', ctx.seed, Math.floor(r() * ctx.customers)) },
      { name: 1 },
    ).lean();
    if (c) names.push(c.name);
  }
  if (names.length === 0) names.push('张三', '李梅', '吴磊');
  const lines = [
    `${queries} queries per role (bounded also by ${ctx.seconds * 3} s), names drawn from the book, in-process engine on the shared database`,
  ];
  for (const [label, who] of [
    ['agent zhangwei (own book)', 'zhangwei'],
    ['branch manager wangjun (all customers)', 'wangjun'],
  ] as const) {
    // One warm-up turn (JIT, first plans). When that turn alone outlasts the window (the embedded database
    // at size), it is the only sample, reported as such, instead of spending minutes on more.
    const w0 = performance.now();
    const limitMs = 100_000;
    const warm = await Promise.race([
      bot
        .handle({ via: 'wecom', wecomUserId: who }, `查 ${names[names.length - 1] ?? '张三'}`)
        .then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), limitMs).unref()),
    ]);
    const warmMs = performance.now() - w0;
    if (!warm) {
      // The turn goes on in the background; the runner closes the database at the end.
      lines.push(`查 <name> as ${label}: no reply within ${limitMs / 1000} s (a lower bound)`);
      continue;
    }
    const ms: number[] = [];
    const kinds = new Map<string, number>();
    const deadline = Date.now() + ctx.seconds * 3 * 1000;
    if (warmMs > ctx.seconds * 3 * 1000) {
      lines.push(
        `查 <name> as ${label}: a single cold turn took ${fmtMs(warmMs)} ms (longer than the ${ctx.seconds * 3} s window; not repeated)`,
      );
      continue;
    }
    for (let i = 0; i < queries && Date.now() < deadline; i++) {
      const t0 = performance.now();
      const replies = await bot.handle({ via: 'wecom', wecomUserId: who }, `查 ${names[i % names.length]}`);
      ms.push(performance.now() - t0);
      const kind =
        replies[0]?.kind === 'card'
          ? 'card'
          : (replies[0]?.text ?? '').includes('找到')
            ? 'list/none'
            : 'other';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const s = summarize(ms);
    lines.push(
      `查 <name> as ${label}: n=${s.count}, median ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, p99 ${fmtMs(s.p99)} ms, max ${fmtMs(s.max)} ms; replies ${JSON.stringify(Object.fromEntries(kinds))}`,
    );
  }
  return { name: 'Bot', lines };
}
