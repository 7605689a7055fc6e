import { describe, expect, test } from 'vitest';
import {
  annualPremium,
  computeSegmentation,
  type SegmentationInput,
} from '#core/segmentation/segmentation.rules';

const now = new Date('2026-11-22T02:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const policy = (
  over: Partial<SegmentationInput['policies'][number]> = {},
): SegmentationInput['policies'][number] => ({
  status: 'in_force',
  premium: 10_000,
  paymentFrequency: 'annual',
  effectiveDate: '2026-01-01',
  renewalOutcome: undefined,
  ...over,
});
const input = (over: Partial<SegmentationInput> = {}): SegmentationInput => ({
  now,
  customerCreatedAt: daysAgo(100),
  lastInteractionAt: daysAgo(10),
  interactionCount: 1,
  referralCount: 0,
  policies: [],
  claims: [],
  ...over,
});

describe('segmentation rules', () => {
  test('when annual premiums add up to ≥ ¥50,000, then the customer is in 精选本 and high tier, with the figures in the reasons', () => {
    const s = computeSegmentation(
      input({
        policies: [policy({ premium: 2_000, paymentFrequency: 'monthly' }), policy({ premium: 38_000 })],
      }),
    );
    expect(s).toMatchObject({ book: 'select', tier: 'high', lifecycle: 'active', annualPremium: 62_000 });
    expect(s.reasons.book).toEqual(['精选本: 年缴保费合计 ¥62,000 ≥ ¥50,000']);
    expect(s.reasons.tier[0]).toBe('年缴保费合计 ¥62,000 ≥ ¥50,000');
  });

  test('when a customer referred 3 others, then they are 核心 regardless of premium', () => {
    const s = computeSegmentation(input({ referralCount: 3, policies: [policy({ premium: 1_000 })] }));
    expect(s.book).toBe('core');
    expect(s.reasons.book[0]).toBe('核心: 已转介绍 3 位客户 ≥ 3');
  });

  test('book falls back through 成交本, 筛选本 and 普通本', () => {
    expect(computeSegmentation(input({ policies: [policy()] })).book).toBe('deal');
    expect(computeSegmentation(input({ interactionCount: 2 })).book).toBe('screened');
    expect(computeSegmentation(input({ interactionCount: 0, lastInteractionAt: undefined })).book).toBe(
      'general',
    );
  });

  test('renewals raise the tier, lapses and frequent claims lower it', () => {
    expect(
      computeSegmentation(input({ policies: [policy({ premium: 20_000, renewalOutcome: 'renewed' })] })).tier,
    ).toBe('high');
    const lapsed = computeSegmentation(
      input({ policies: [policy({ premium: 20_000 }), policy({ status: 'lapsed', premium: 5_000 })] }),
    );
    expect(lapsed.tier).toBe('low');
    expect(lapsed.reasons.tier).toContain('1 张保单失效或退保（−1）');
    const claims = computeSegmentation(
      input({
        policies: [policy({ premium: 60_000 })],
        claims: [{ createdAt: daysAgo(10) }, { createdAt: daysAgo(50) }, { createdAt: daysAgo(200) }],
      }),
    );
    expect(claims.tier).toBe('medium');
  });

  test('lifecycle: no interaction for more than 365 days is dormant; only lapsed policies is churned; no policy is potential', () => {
    expect(
      computeSegmentation(input({ lastInteractionAt: daysAgo(366), policies: [policy()] })).lifecycle,
    ).toBe('dormant');
    expect(
      computeSegmentation(input({ lastInteractionAt: daysAgo(365), policies: [policy()] })).lifecycle,
    ).toBe('active');
    expect(computeSegmentation(input({ policies: [policy({ status: 'surrendered' })] })).lifecycle).toBe(
      'churned',
    );
    expect(computeSegmentation(input()).lifecycle).toBe('potential');
  });

  test('a single premium counts in its first year only', () => {
    expect(
      annualPremium(
        [policy({ paymentFrequency: 'single', premium: 100_000, effectiveDate: '2026-03-01' })],
        now,
      ),
    ).toBe(100_000);
    expect(
      annualPremium(
        [policy({ paymentFrequency: 'single', premium: 100_000, effectiveDate: '2025-03-01' })],
        now,
      ),
    ).toBe(0);
  });
});
