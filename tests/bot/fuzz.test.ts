import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseIntent } from '#bot/parse/intent';
import { helpText } from '#bot/replies';
import { utf8Bytes } from '#core/wecom/builders';
import { useTestDatabase } from '../setup/test-db.js';
import { buildBotWorld, settableClock, SUNDAY_10AM, type BotWorld } from './world.js';

// 10,000 random and adversarial strings. All of them go through the parser (pure, fast) and the help
// text it may lead to; a seeded sample goes through the whole engine against the database, with every
// query the driver sends recorded to prove no operator was built from user text.

/** mulberry32: a small seeded PRNG, so a failure can be reproduced from the seed in its message. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADVERSARIAL = [
  '$where',
  '{"$gt":""}',
  '{"$ne":null}',
  '{"$where":"sleep(1000)"}',
  '.*',
  '^(a+)+$',
  '[',
  '\\',
  '(?<x>',
  "'; DROP TABLE customers; --",
  '<script>alert(1)</script>',
  ']]>',
  '<![CDATA[',
  '\u0000',
  '\u202e',
  '\u200b',
  '\ud800',
  '\udfff',
  '😀',
  '👨‍👩‍👧‍👦',
  '🇨🇳',
  'مرحبا',
  'Привет',
  '１３８００１３８０００',
  '+86 138-0013-8000',
  '下下下周二',
  '13月45日',
  '0号',
  '99点',
  '下午99点',
  '__proto__',
  'constructor',
  'toString',
];
const PREFIXES = ['查 ', '记录 ', '新客户 ', '理赔 ', '', '', '2', '记录 张三 拜访 ', '查', '新客户 李四 '];
const ALPHABET = [
  ...'张三李四王五的保单记录拜访电话微信下周二明天后天月底号点半天后0123456789 ，。,.:：$[]{}()*+?^|\\/"\'`',
];

function randomString(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const mode = next();
  if (mode < 0.3) {
    // Random code points from all planes, surrogates included.
    const n = Math.floor(next() * 40);
    return Array.from({ length: n }, () => String.fromCharCode(Math.floor(next() * 0xffff))).join('');
  }
  if (mode < 0.6) {
    const n = Math.floor(next() * 60);
    return pick(PREFIXES) + Array.from({ length: n }, () => pick(ALPHABET)).join('');
  }
  if (mode < 0.95) {
    const n = 1 + Math.floor(next() * 4);
    return pick(PREFIXES) + Array.from({ length: n }, () => pick(ADVERSARIAL)).join(pick([' ', '', '张三']));
  }
  // Long: up to 12 KB.
  return pick(PREFIXES) + pick(ADVERSARIAL).repeat(Math.floor(next() * 3000));
}

const SEED = 20261122;
const inputs = (() => {
  const next = rng(SEED);
  return Array.from({ length: 10_000 }, () => randomString(next));
})();

describe('fuzz: 10,000 random and adversarial strings', () => {
  test(`when any of them is parsed (seed ${SEED}), then nothing throws and help replies fit 2048 bytes`, () => {
    const now = new Date(SUNDAY_10AM);
    const kinds = new Map<string, number>();
    for (const s of inputs) {
      const intent = parseIntent(s, now);
      kinds.set(intent.kind, (kinds.get(intent.kind) ?? 0) + 1);
      if (intent.kind === 'help')
        expect(utf8Bytes(helpText(intent.reason, intent.hint))).toBeLessThanOrEqual(2048);
      if (intent.kind === 'log') {
        expect(intent.summary.length).toBeLessThanOrEqual(2000);
        if (intent.followUp) expect(intent.followUp.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
    // The generator reaches more than the help path.
    expect(kinds.get('help')).toBeGreaterThan(0);
    expect((kinds.get('query') ?? 0) + (kinds.get('log') ?? 0)).toBeGreaterThan(100);
  });

  describe('through the engine and the database (a sample)', () => {
    const db = useTestDatabase();
    const time = settableClock();
    let w: BotWorld;
    const filters: string[] = [];
    beforeAll(async () => {
      w = await buildBotWorld(db(), time.clock);
      mongoose.set('debug', (_coll: string, _method: string, ...args: unknown[]) => {
        filters.push(JSON.stringify(args[0] ?? null));
      });
    }, 60_000);
    afterAll(() => {
      mongoose.set('debug', false);
    });

    test('when 300 of them are sent by an agent, then every reply is non-empty, ≤ 2048 bytes, and no query carries their operators', async () => {
      const next = rng(SEED + 1);
      const sample = Array.from({ length: 300 }, () => inputs[Math.floor(next() * inputs.length)] ?? '');
      sample.push(
        '{"$where":"sleep(1000)"}',
        '查 {"$gt":""}',
        '记录 张三 电话 {"$where":"1"} 明天',
        '查 .*',
        '查 ^(a+)+$',
      );
      const who = { via: 'wecom' as const, wecomUserId: w.agentA.wecomUserId };
      for (const s of sample) {
        const replies = await w.bot.handle(who, s);
        expect(replies.length).toBeGreaterThan(0);
        for (const r of replies) expect(utf8Bytes(r.text)).toBeLessThanOrEqual(2048);
        expect(replies.map((r) => r.text).join()).not.toContain('抱歉，处理这条消息时出错了');
      }
      expect(filters.length).toBeGreaterThan(0);
      for (const f of filters) {
        expect(f).not.toContain('"$where"');
        expect(f).not.toContain('"$gt":""');
        expect(f).not.toContain('"$ne":null');
      }
    }, 120_000);
  });
});
