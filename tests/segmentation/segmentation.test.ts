import { describe, expect, test } from 'vitest';
import {
  annualPremium,
  computePropertyRisk,
  computeSegmentation,
  type SegmentationInput,
} from '#core/segmentation/segmentation.rules';

const now = new Date('2026-11-22T02:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const policy = (
  over: Partial<SegmentationInput['policies'][number]> = {},
): SegmentationInput['policies'][number] => ({
  line: '重疾',
  status: 'in_force',
  sumInsured: 500_000,
  premium: 10_000,
  paymentFrequency: 'annual',
  effectiveDate: '2026-01-01',
  expiryDate: '2027-01-01',
  renewalOutcome: undefined,
  ...over,
});
const input = (over: Partial<SegmentationInput> = {}): SegmentationInput => ({
  now,
  customerCreatedAt: daysAgo(100),
  lastInteractionAt: daysAgo(10),
  interactionCount: 1,
  referralCount: 0,
  occupation: undefined,
  region: undefined,
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

// now = 2026-11-22 10:00 in Shanghai.
describe('property risk level (财产风险等级)', () => {
  test('when a driver in 广东 holds ¥1,500,000 of motor cover, then the risk is high and each point has its reason', () => {
    const s = computeSegmentation(
      input({
        occupation: '司机',
        region: '广东省深圳市',
        policies: [policy({ line: '车险', sumInsured: 1_500_000, premium: 6_000 })],
      }),
    );
    expect(s.propertyRisk).toBe('high');
    expect(s.reasons.propertyRisk).toEqual([
      '车险有效保单 1 张，保额合计 ¥1,500,000 ≥ ¥1,000,000（+1）',
      '职业「司机」财产风险 3 类：长时间驾驶，车辆出险概率高（+2）',
      '地区「广东省深圳市」属广东，台风高发（+1）',
    ]);
  });

  test('when a teacher in 上海 holds no property policy, then the risk is low, estimated from occupation and region', () => {
    const r = computePropertyRisk({ occupation: '教师', region: '上海市浦东新区', policies: [policy()] });
    expect(r).toEqual({
      level: 'low',
      reasons: [
        '未持有有效的车险/财产险保单，按职业和地区预估',
        '职业「教师」财产风险 1 类',
        '地区「上海市浦东新区」不在台风/洪涝高发省份',
      ],
    });
  });

  test('when ¥6,000,000 of property and motor cover is in force but occupation and region are unknown, then it is medium and says what was not counted; a lapsed policy does not count', () => {
    const r = computePropertyRisk({
      occupation: undefined,
      region: undefined,
      policies: [
        policy({ line: '财产险', sumInsured: 5_800_000 }),
        policy({ line: '车险', sumInsured: 200_000 }),
        policy({ line: '财产险', sumInsured: 9_000_000, status: 'lapsed' }),
      ],
    });
    expect(r).toEqual({
      level: 'medium',
      reasons: [
        '财产险、车险有效保单 2 张，保额合计 ¥6,000,000 ≥ ¥5,000,000（+2）',
        '未填写职业，职业风险未计入',
        '未填写地区，地区风险未计入',
      ],
    });
  });

  test('when a shop owner (个体经营, class 3) in 江西 holds ¥300,000 of property cover, then 0 + 2 + 1 = 3 is high', () => {
    const r = computePropertyRisk({
      occupation: '个体经营',
      region: '江西南昌',
      policies: [policy({ line: '财产险', sumInsured: 300_000 })],
    });
    expect(r.level).toBe('high');
    expect(r.reasons).toEqual([
      '财产险有效保单 1 张，保额合计 ¥300,000 < ¥1,000,000',
      '职业「个体经营」财产风险 3 类：经营场所与存货集中，火灾、盗抢风险高（+2）',
      '地区「江西南昌」属江西，洪涝高发（+1）',
    ]);
  });
});

describe('RFM on policy events', () => {
  test('when four policies were bought within three years, the last 266 days ago, then R3F3M2 raises the tier by one, with reasons', () => {
    const s = computeSegmentation(
      input({
        policies: [
          policy({ effectiveDate: '2026-03-01', premium: 3_000 }),
          policy({ effectiveDate: '2025-06-01', premium: 3_000 }),
          policy({ effectiveDate: '2024-12-01', premium: 3_000 }),
          policy({ effectiveDate: '2023-12-25', premium: 3_000 }),
        ],
      }),
    );
    expect(s.rfm).toEqual({
      recencyDays: 266,
      frequency: 4,
      monetary: 12_000,
      r: 3,
      f: 3,
      m: 2,
      code: 'R3F3M2',
    });
    expect(s.reasons.rfm).toEqual([
      'R3: 最近一次投保/续保 2026-03-01（266 天前，≤ 365 天）',
      'F3: 近 3 年投保/续保 4 次（≥ 4）',
      'M2: 年缴保费合计 ¥12,000（≥ ¥10,000）',
    ]);
    expect(s.tier).toBe('high');
    expect(s.reasons.tier).toEqual([
      '年缴保费合计 ¥12,000 ≥ ¥10,000',
      'RFM R3F3M2: 近 3 年投保/续保 4 次 ≥ 4（+1）',
    ]);
  });

  test('when the only purchase was 1,635 days ago, then the tier drops by one — unless the premium alone is select-level', () => {
    const old = policy({ effectiveDate: '2022-06-01', expiryDate: '2027-06-01', premium: 15_000 });
    const s = computeSegmentation(input({ policies: [old] }));
    expect(s.rfm).toMatchObject({ recencyDays: 1635, frequency: 0, code: 'R1F0M2' });
    expect(s.tier).toBe('low');
    expect(s.reasons.tier).toContain(
      'RFM R1F0M2: 最近一次投保/续保 1635 天前 > 1095 天，且年缴保费未达 ¥50,000（−1）',
    );
    const big = computeSegmentation(input({ policies: [{ ...old, premium: 60_000 }] }));
    expect(big.rfm?.code).toBe('R1F0M3');
    expect(big.tier).toBe('high');
  });

  test('renewals are policy events: on the expiry date when past, today when recorded ahead of expiry; the same day counts once', () => {
    const s = computeSegmentation(
      input({
        policies: [
          // Renewed ahead of its 2026-12-01 expiry → an event today.
          policy({ effectiveDate: '2025-12-01', expiryDate: '2026-12-01', renewalOutcome: 'renewed' }),
          // Old term renewed at 2026-06-30; its successor starts the same day.
          policy({ status: 'renewed', effectiveDate: '2025-06-30', expiryDate: '2026-06-30' }),
          policy({ effectiveDate: '2026-06-30', expiryDate: '2027-06-30' }),
          // Not yet in effect: no event.
          policy({ effectiveDate: '2027-01-01', expiryDate: '2028-01-01' }),
        ],
      }),
    );
    // 2026-11-22, 2026-06-30, 2025-12-01, 2025-06-30
    expect(s.rfm).toMatchObject({ recencyDays: 0, frequency: 4, r: 3, f: 3 });
    expect(s.reasons.rfm[0]).toBe('R3: 最近一次投保/续保 2026-11-22（0 天前，≤ 365 天）');
  });

  test('when there is no policy at all, then RFM is R0F0M0 and says so', () => {
    const s = computeSegmentation(input());
    expect(s.rfm).toEqual({
      recencyDays: undefined,
      frequency: 0,
      monetary: 0,
      r: 0,
      f: 0,
      m: 0,
      code: 'R0F0M0',
    });
    expect(s.reasons.rfm).toEqual([
      'R0: 尚无投保或续保记录',
      'F0: 近 3 年投保/续保 0 次',
      'M0: 年缴保费合计 ¥0',
    ]);
  });
});
