import type { Actor } from '#core/audit/audit.service';
import { scopeFor } from '#core/auth/scope';
import type { ClaimStatus } from '#core/claim/claim.status';
import { addDays, shanghaiDate } from '#core/customer/business-date';
import type { createCustomerDomain } from '#core/customer/customer.domain';
import { createCustomerInput } from '#core/customer/customer.schemas';
import { idNumberCheckChar } from '#core/customer/id-number';
import { SYSTEM_SCOPE } from '#core/customer/ownership';
import type { InteractionType } from '#core/interaction/interaction.repository';
import type { POLICY_LINES } from '#core/policy/policy.model';
import type { UserRecord } from '#core/user/user.repository';
import { parseInput } from '#core/validation';

type Domain = ReturnType<typeof createCustomerDomain>;
type Line = (typeof POLICY_LINES)[number];

interface SeedCustomer {
  key: number;
  name: string;
  gender: 'male' | 'female';
  birthday: string;
  occupation: string;
  region: string;
  agent: string;
  tags: string[];
  soft?: string;
  spouseOf?: number;
  childName?: string;
  referrer?: number;
  policies: {
    line: Line;
    insurer: string;
    product: string;
    premium: number;
    sum: number;
    freq?: 'annual' | 'monthly' | 'single';
  }[];
  /** Days since the last interaction (none when undefined). */
  lastContactDaysAgo?: number;
}

// Demo book: six agents, families (spouses linked), referrals, every policy line, a dormant customer.
const CUSTOMERS: SeedCustomer[] = [
  {
    key: 1,
    name: '张三',
    gender: 'male',
    birthday: '1982-05-12',
    occupation: '企业主',
    region: '上海市浦东新区',
    agent: 'zhangwei',
    tags: ['高净值', '企业主'],
    soft: '经营外贸公司，关注子女教育和企业财产保障',
    childName: '张小宝',
    policies: [
      { line: '年金', insurer: '中国人寿', product: '鑫享福年金', premium: 50_000, sum: 1_000_000 },
      { line: '重疾', insurer: '平安人寿', product: '平安福', premium: 12_000, sum: 500_000 },
    ],
    lastContactDaysAgo: 3,
  },
  {
    key: 2,
    name: '李梅',
    gender: 'female',
    birthday: '1985-09-03',
    occupation: '教师',
    region: '上海市浦东新区',
    agent: 'zhangwei',
    tags: ['教育金'],
    spouseOf: 1,
    referrer: 1,
    policies: [{ line: '医疗', insurer: '众安保险', product: '尊享e生', premium: 600, sum: 3_000_000 }],
    lastContactDaysAgo: 12,
  },
  {
    key: 3,
    name: '王建国',
    gender: 'male',
    birthday: '1958-02-20',
    occupation: '退休',
    region: '上海市黄浦区',
    agent: 'zhangwei',
    tags: ['老年客户'],
    referrer: 1,
    policies: [{ line: '意外', insurer: '太平洋保险', product: '老年意外险', premium: 300, sum: 100_000 }],
    lastContactDaysAgo: 40,
  },
  {
    key: 4,
    name: '赵丽华',
    gender: 'female',
    birthday: '1990-11-08',
    occupation: '医生',
    region: '上海市徐汇区',
    agent: 'zhangwei',
    tags: ['医护'],
    referrer: 1,
    policies: [
      { line: '寿险', insurer: '友邦保险', product: '友邦定期寿险', premium: 3_200, sum: 2_000_000 },
    ],
    lastContactDaysAgo: 70,
  },
  {
    key: 5,
    name: '孙志强',
    gender: 'male',
    birthday: '1979-07-30',
    occupation: '企业高管',
    region: '上海市静安区',
    agent: 'liuyang',
    tags: ['高净值'],
    policies: [
      { line: '增额寿', insurer: '泰康人寿', product: '泰康鑫享', premium: 100_000, sum: 1_500_000 },
    ],
    lastContactDaysAgo: 1,
  },
  {
    key: 6,
    name: '周敏',
    gender: 'female',
    birthday: '1983-04-18',
    occupation: '金融从业者',
    region: '上海市静安区',
    agent: 'liuyang',
    tags: ['理财型'],
    spouseOf: 5,
    policies: [{ line: '年金', insurer: '新华保险', product: '新华惠添富', premium: 20_000, sum: 400_000 }],
    lastContactDaysAgo: 20,
  },
  {
    key: 7,
    name: '吴磊',
    gender: 'male',
    birthday: '1993-01-25',
    occupation: 'IT从业者',
    region: '上海市闵行区',
    agent: 'liuyang',
    tags: ['年轻家庭'],
    policies: [
      { line: '医疗', insurer: '平安健康', product: 'e生保', premium: 420, sum: 2_000_000, freq: 'monthly' },
    ],
    lastContactDaysAgo: 400,
  },
  {
    key: 8,
    name: '郑晓燕',
    gender: 'female',
    birthday: '1988-12-01',
    occupation: '销售',
    region: '上海市长宁区',
    agent: 'liuyang',
    tags: [],
    policies: [],
    lastContactDaysAgo: 5,
  },
  {
    key: 9,
    name: '冯刚',
    gender: 'male',
    birthday: '1976-06-06',
    occupation: '个体经营',
    region: '上海市宝山区',
    agent: 'chenjing',
    tags: ['车主'],
    policies: [
      { line: '车险', insurer: '人保财险', product: '机动车商业险', premium: 5_800, sum: 1_000_000 },
      { line: '财产险', insurer: '人保财险', product: '家庭财产险', premium: 800, sum: 500_000 },
    ],
    lastContactDaysAgo: 8,
  },
  {
    key: 10,
    name: '陈静怡',
    gender: 'female',
    birthday: '1995-03-14',
    occupation: '自由职业',
    region: '上海市杨浦区',
    agent: 'chenjing',
    tags: ['车主'],
    policies: [{ line: '车险', insurer: '平安财险', product: '平安车险', premium: 4_200, sum: 1_000_000 }],
    lastContactDaysAgo: 30,
  },
  {
    key: 11,
    name: '褚国栋',
    gender: 'male',
    birthday: '1969-10-10',
    occupation: '工程师',
    region: '上海市嘉定区',
    agent: 'chenjing',
    tags: ['车主'],
    policies: [{ line: '车险', insurer: '太平洋财险', product: '太保车险', premium: 6_500, sum: 1_500_000 }],
    lastContactDaysAgo: 90,
  },
  {
    key: 12,
    name: '卫晓东',
    gender: 'male',
    birthday: '1987-08-22',
    occupation: '公务员',
    region: '上海市徐汇区',
    agent: 'yangfan',
    tags: ['保障型'],
    policies: [
      { line: '重疾', insurer: '中国人寿', product: '国寿福', premium: 9_800, sum: 400_000 },
      { line: '寿险', insurer: '中国人寿', product: '国寿定期寿', premium: 2_100, sum: 1_000_000 },
    ],
    lastContactDaysAgo: 2,
  },
  {
    key: 13,
    name: '蒋慧',
    gender: 'female',
    birthday: '1989-05-27',
    occupation: '会计',
    region: '上海市徐汇区',
    agent: 'yangfan',
    tags: ['保障型'],
    spouseOf: 12,
    policies: [{ line: '重疾', insurer: '中国人寿', product: '国寿福', premium: 8_600, sum: 400_000 }],
    lastContactDaysAgo: 15,
  },
  {
    key: 14,
    name: '沈浩然',
    gender: 'male',
    birthday: '1991-02-09',
    occupation: '律师',
    region: '上海市浦东新区',
    agent: 'yangfan',
    tags: [],
    policies: [{ line: '寿险', insurer: '友邦保险', product: '友邦终身寿', premium: 30_000, sum: 3_000_000 }],
    lastContactDaysAgo: 60,
  },
  {
    key: 15,
    name: '韩雪',
    gender: 'female',
    birthday: '1997-09-19',
    occupation: '护士',
    region: '上海市普陀区',
    agent: 'huangli',
    tags: ['医护'],
    policies: [
      { line: '医疗', insurer: '众安保险', product: '尊享e生', premium: 500, sum: 3_000_000 },
      { line: '意外', insurer: '众安保险', product: '综合意外险', premium: 200, sum: 500_000 },
    ],
    lastContactDaysAgo: 4,
  },
  {
    key: 16,
    name: '杨帆远',
    gender: 'male',
    birthday: '1980-04-01',
    occupation: '司机',
    region: '上海市松江区',
    agent: 'huangli',
    tags: ['车主'],
    policies: [{ line: '意外', insurer: '太平洋保险', product: '驾乘意外险', premium: 350, sum: 300_000 }],
    lastContactDaysAgo: 25,
  },
  {
    key: 17,
    name: '朱丹',
    gender: 'female',
    birthday: '1992-07-07',
    occupation: '全职家庭',
    region: '上海市青浦区',
    agent: 'huangli',
    tags: ['年轻家庭'],
    childName: '朱小米',
    policies: [{ line: '医疗', insurer: '平安健康', product: '少儿医疗', premium: 900, sum: 1_000_000 }],
    lastContactDaysAgo: 10,
  },
  {
    key: 18,
    name: '秦立新',
    gender: 'male',
    birthday: '1966-01-30',
    occupation: '企业主',
    region: '上海市虹口区',
    agent: 'zhoutao',
    tags: ['高净值', '企业主'],
    policies: [
      {
        line: '年金',
        insurer: '太平人寿',
        product: '太平福禄年金',
        premium: 200_000,
        sum: 2_000_000,
        freq: 'single',
      },
      { line: '财产险', insurer: '人保财险', product: '企业财产险', premium: 15_000, sum: 5_000_000 },
    ],
    lastContactDaysAgo: 6,
  },
  {
    key: 19,
    name: '尤佳',
    gender: 'female',
    birthday: '1984-10-23',
    occupation: '事业单位',
    region: '上海市虹口区',
    agent: 'zhoutao',
    tags: ['教育金'],
    policies: [{ line: '年金', insurer: '泰康人寿', product: '泰康教育金', premium: 24_000, sum: 300_000 }],
    lastContactDaysAgo: 35,
  },
  {
    key: 20,
    name: '许文博',
    gender: 'male',
    birthday: '1999-12-12',
    occupation: '学生',
    region: '上海市杨浦区',
    agent: 'zhoutao',
    tags: [],
    policies: [],
    lastContactDaysAgo: undefined,
  },
];

// Claims in every state of the machine (the path walked from reported to reach it).
const CLAIM_PATHS: {
  customer: number;
  target: ClaimStatus;
  amount: number;
  path: ClaimStatus[];
  note: string;
}[] = [
  { customer: 1, target: 'reported', amount: 8_000, path: [], note: '门诊手术报案' },
  { customer: 2, target: 'accepted', amount: 15_000, path: ['accepted'], note: '住院医疗' },
  { customer: 9, target: 'reviewing', amount: 12_000, path: ['accepted', 'reviewing'], note: '车辆追尾' },
  {
    customer: 7,
    target: 'need_documents',
    amount: 4_000,
    path: ['accepted', 'reviewing', 'need_documents'],
    note: '急诊住院',
  },
  {
    customer: 15,
    target: 'approved',
    amount: 6_500,
    path: ['accepted', 'reviewing', 'approved'],
    note: '骨折住院',
  },
  {
    customer: 12,
    target: 'paid',
    amount: 400_000,
    path: ['accepted', 'reviewing', 'need_documents', 'reviewing', 'approved', 'paid'],
    note: '重疾确诊',
  },
  {
    customer: 16,
    target: 'rejected',
    amount: 3_000,
    path: ['accepted', 'reviewing', 'rejected'],
    note: '驾乘意外',
  },
  {
    customer: 10,
    target: 'closed',
    amount: 2_800,
    path: ['accepted', 'reviewing', 'approved', 'paid', 'closed'],
    note: '车辆剐蹭',
  },
];

const PREFIXES = ['138', '139', '186', '135', '150', '177'];
const phoneOf = (key: number) =>
  `${PREFIXES[key % PREFIXES.length]}${String(20_260_000 + key).padStart(8, '0')}`;
function idNumberOf(c: SeedCustomer): string {
  const first17 = `310115${c.birthday.replaceAll('-', '')}${String(100 + c.key).slice(-3)}`;
  return first17 + idNumberCheckChar(first17);
}
const actorOf = (u: UserRecord): Actor => ({
  principal: { kind: 'staff', userId: u.id, role: u.role, scope: scopeFor(u) },
  origin: { source: 'seed' },
});

/**
 * Demo customers for the demo org: families, referrals, policies across lines with expiries spread
 * over the coming year, claims in every state, interactions with follow-up tasks, tickets.
 * Idempotent: customers are keyed by phone, policies by insurer + number, claims by number;
 * interactions and tickets are only added to a customer that has none.
 */
export async function seedCustomers(domain: Domain, users: UserRecord[], now: Date) {
  const byWecom = new Map(users.map((u) => [u.wecomUserId, u]));
  const today = shanghaiDate(now);
  const ids = new Map<number, string>();
  const counts = { customers: 0, policies: 0, claims: 0, interactions: 0, tickets: 0 };
  let policySeq = 0;

  for (const c of CUSTOMERS) {
    const agent = byWecom.get(c.agent);
    if (!agent) throw new Error(`seed: agent ${c.agent} missing (run the org seed first)`);
    const actor = actorOf(agent);
    const phone = `+86${phoneOf(c.key)}`;
    const owners = await domain.customerRepositories.customers.phoneOwners([phone]);
    let id = owners.get(phone);
    if (!id) {
      const spouse = c.spouseOf ? ids.get(c.spouseOf) : undefined;
      const input = parseInput(createCustomerInput, {
        name: c.name,
        gender: c.gender,
        birthday: c.birthday,
        occupation: c.occupation,
        region: c.region,
        address: `${c.region}某路${c.key * 7}号`,
        phones: [{ number: phoneOf(c.key), label: 'mobile' }],
        idNumber: idNumberOf(c),
        tags: c.tags,
        softInfo: { notes: c.soft ?? '', tags: [] },
        preferences: {
          channel: 'wecom',
          risk: c.tags.includes('理财型') ? '激进' : '平衡',
          contactTime: '工作日晚上',
        },
        family: [
          ...(spouse
            ? [
                {
                  relation: 'spouse',
                  name: CUSTOMERS.find((x) => x.key === c.spouseOf)!.name,
                  linkedCustomerId: spouse,
                },
              ]
            : []),
          ...(c.childName ? [{ relation: 'child', name: c.childName, birthday: '2016-08-15' }] : []),
        ],
        anniversaries: spouse ? [{ label: '结婚纪念日', date: '2012-10-01' }] : [],
        sourceChannel: c.referrer ? '转介绍' : '企微扫码',
        referrerId: c.referrer ? ids.get(c.referrer) : undefined,
      });
      id = (await domain.customers.create(actor, input)).id;
      counts.customers++;
    }
    ids.set(c.key, id);
    // Families go both ways: the spouse created earlier gets the link back.
    const spouseId = c.spouseOf ? ids.get(c.spouseOf) : undefined;
    const spouse = spouseId
      ? await domain.customerRepositories.customers.findById(SYSTEM_SCOPE, spouseId)
      : undefined;
    if (spouse && !spouse.family.some((f) => f.linkedCustomerId === id)) {
      const spouseAgent = byWecom.get(CUSTOMERS.find((x) => x.key === c.spouseOf)!.agent)!;
      await domain.customers.update(actorOf(spouseAgent), spouse.id, {
        family: [
          ...spouse.family.map((f) => ({
            relation: f.relation,
            name: f.name,
            birthday: f.birthday,
            linkedCustomerId: f.linkedCustomerId,
          })),
          { relation: 'spouse', name: c.name, linkedCustomerId: id },
        ],
      });
    }

    for (const [i, p] of c.policies.entries()) {
      policySeq++;
      const number = `QB${String(c.key).padStart(3, '0')}${i}${p.line === '车险' ? 'C' : 'L'}2026`;
      if (await domain.customerRepositories.policies.findByInsurerNumber(SYSTEM_SCOPE, p.insurer, number))
        continue;
      // Expiries spread over the coming year (a few already due within 60/30/7 days for renewal demos).
      const expiry = addDays(today, ((policySeq * 29) % 360) + 2);
      const shortTerm = ['车险', '医疗', '意外', '财产险'].includes(p.line);
      await domain.policies.create(actor, {
        customerId: id,
        number,
        insurer: p.insurer,
        product: p.product,
        line: p.line,
        sumInsured: p.sum,
        premium: p.premium,
        paymentFrequency: p.freq ?? 'annual',
        paymentTermYears: shortTerm ? 1 : 20,
        effectiveDate: shortTerm ? addDays(expiry, -365) : addDays(expiry, -365 * 3),
        expiryDate: expiry,
        beneficiaries: shortTerm ? [] : [{ name: '法定', relation: '法定继承人', sharePercent: 100 }],
      });
      counts.policies++;
    }
  }

  for (const [i, cl] of CLAIM_PATHS.entries()) {
    const c = CUSTOMERS.find((x) => x.key === cl.customer)!;
    const agent = byWecom.get(c.agent)!;
    const actor = actorOf(agent);
    const number = `LPDEMO${String(i + 1).padStart(3, '0')}`;
    const customerId = ids.get(c.key)!;
    const existing = await domain.customerRepositories.claims.listForCustomer(SYSTEM_SCOPE, customerId);
    if (existing.some((x) => x.number === number)) continue;
    const policy = (await domain.customerRepositories.policies.listForCustomer(SYSTEM_SCOPE, customerId))[0];
    if (!policy) continue;
    const claim = await domain.claims.create(
      actor,
      {
        policyId: policy.id,
        number,
        incidentDate: addDays(today, -20 - i),
        amountClaimed: cl.amount,
        description: cl.note,
        note: '客户微信报案',
      },
      agent.name,
    );
    for (const to of cl.path) {
      await domain.claims.transition(
        actor,
        claim.id,
        {
          to,
          note: to === 'need_documents' ? '请补充出院小结和发票原件' : undefined,
          amountPaid: to === 'paid' ? cl.amount * 0.95 : undefined,
        },
        agent.name,
      );
    }
    counts.claims++;
  }

  const TYPES: InteractionType[] = ['call', 'visit', 'wechat', 'meeting'];
  for (const c of CUSTOMERS) {
    if (c.lastContactDaysAgo === undefined) continue;
    const customerId = ids.get(c.key)!;
    if ((await domain.customerRepositories.interactions.countForCustomer(SYSTEM_SCOPE, customerId)) > 0)
      continue;
    const actor = actorOf(byWecom.get(c.agent)!);
    const last = new Date(now.getTime() - c.lastContactDaysAgo * 86_400_000);
    await domain.interactions.create(actor, {
      customerId,
      type: 'visit',
      occurredAt: new Date(last.getTime() - 30 * 86_400_000).toISOString(),
      summary: `初次拜访${c.name}，了解家庭情况和现有保障`,
      tags: c.tags.includes('教育金') ? ['教育金'] : [],
    });
    await domain.interactions.create(actor, {
      customerId,
      type: TYPES[c.key % TYPES.length]!,
      occurredAt: last.toISOString(),
      summary: c.soft ?? `与${c.name}沟通保单年检，客户${c.key % 2 ? '有意加保' : '暂无新需求'}`,
      tags: c.key % 2 ? ['加保意向'] : [],
      // Recent contacts get a follow-up within the next two weeks (some due today).
      nextFollowUpDate: c.lastContactDaysAgo < 60 ? addDays(today, c.key % 14) : undefined,
    });
    counts.interactions += 2;
  }

  const TICKETS = [
    { customer: 12, type: 'claim_assist', urgency: 'high', title: '协助准备重疾理赔材料' },
    { customer: 9, type: 'preservation', urgency: 'normal', title: '变更车险受益人' },
    { customer: 3, type: 'complaint', urgency: 'urgent', title: '投诉回访电话过多' },
    { customer: 5, type: 'consult', urgency: 'low', title: '咨询增额寿减保规则' },
  ] as const;
  for (const t of TICKETS) {
    const c = CUSTOMERS.find((x) => x.key === t.customer)!;
    const customerId = ids.get(c.key)!;
    const open = await domain.customerRepositories.tickets.openForCustomer(SYSTEM_SCOPE, customerId);
    if (open.length > 0) continue;
    await domain.tickets.create(actorOf(byWecom.get(c.agent)!), {
      customerId,
      type: t.type,
      urgency: t.urgency,
      title: t.title,
    });
    counts.tickets++;
  }
  return { counts, customerIds: [...ids.values()], showcaseCustomerId: ids.get(1)! };
}
