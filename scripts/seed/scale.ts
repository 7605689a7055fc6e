// Demo data at size: `npm run seed -- --customers 100000 --seed 1`. Deterministic (same N, seed and
// --today give the same documents, except the AES-GCM ciphertext of ID numbers, whose IV is random by
// design), streamed household by household in bounded batches, and written with lean insertMany in
// exactly the shapes the services store (see the repositories' insert paths; tests/bench checks that
// mongoose casting leaves every generated document unchanged). Per-document service calls would audit
// and re-segment every write (hours at this size), and mongoose casting alone costs ~5 ms a document.
import { Types } from 'mongoose';
import { addDays } from '#core/customer/business-date';
import type { OCCUPATIONS, SOURCE_CHANNELS } from '#core/customer/customer.options';
import { idNumberCheckChar } from '#core/customer/id-number';
import type { Segmentation } from '#core/customer/customer.repository';
import { nameSearchKeys } from '#core/customer/search-keys';
import type { ClaimStatus } from '#core/claim/claim.status';
import type { Database } from '#core/db/database';
import { isDuplicateKeyError } from '#core/db/errors';
import type { POLICY_LINES } from '#core/policy/policy.model';
import { maskIdNumber, type PiiCipher } from '#core/security/pii';
import { computeSegmentation, type SegmentationInput } from '#core/segmentation/segmentation.rules';
import type { UserRecord, UserRepository } from '#core/user/user.repository';

type Line = (typeof POLICY_LINES)[number];
type Occupation = (typeof OCCUPATIONS)[number];
type Source = (typeof SOURCE_CHANNELS)[number];

export interface ScaleOptions {
  customers: number;
  seed: number;
  /** The business day the data is built around (YYYY-MM-DD, Asia/Shanghai): renewals due, follow-ups. */
  today: string;
  /** Customers per insert batch (households are never split). */
  batchSize?: number;
}

/** An agent who can own customers: id and placement. */
export interface ScaleAgent {
  id: string;
  teamId: string | undefined;
  branchId: string | undefined;
}

// --- deterministic randomness ------------------------------------------------------------------

/** mulberry32: tiny, fast and good enough for test data; seeded per household so batches are independent. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const mix = (a: number, b: number) =>
  (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35)) >>> 0;

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
function weighted<T>(r: Rand, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return (table[table.length - 1] as readonly [T, number])[0];
}

/**
 * Deterministic ObjectIds: 4 fixed timestamp bytes, a kind byte, 3 bytes of the seed, 4 bytes of the
 * index. Same N and seed → same ids, so references can be computed without reading anything back.
 */
const KIND = { customer: 1, policy: 2, claim: 3, interaction: 4, task: 5, family: 6, phoneKey: 7 } as const;
export function scaleId(kind: keyof typeof KIND, seed: number, index: number): Types.ObjectId {
  const hex =
    '65a0a0a0' +
    KIND[kind].toString(16).padStart(2, '0') +
    (seed & 0xffffff).toString(16).padStart(6, '0') +
    (index >>> 0).toString(16).padStart(8, '0');
  return new Types.ObjectId(hex);
}

// --- vocabularies -------------------------------------------------------------------------------

// The 60 most common surnames, weighted roughly by their share of the population.
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72],
  ['李', 71],
  ['张', 67],
  ['刘', 54],
  ['陈', 45],
  ['杨', 31],
  ['黄', 23],
  ['赵', 20],
  ['吴', 20],
  ['周', 19],
  ['徐', 14],
  ['孙', 14],
  ['马', 12],
  ['朱', 12],
  ['胡', 11],
  ['郭', 11],
  ['何', 10],
  ['林', 10],
  ['高', 10],
  ['罗', 9],
  ['郑', 9],
  ['梁', 8],
  ['谢', 7],
  ['宋', 7],
  ['唐', 7],
  ['许', 6],
  ['韩', 6],
  ['冯', 6],
  ['邓', 6],
  ['曹', 5],
  ['彭', 5],
  ['曾', 5],
  ['肖', 5],
  ['田', 5],
  ['董', 5],
  ['袁', 4],
  ['潘', 4],
  ['于', 4],
  ['蒋', 4],
  ['蔡', 4],
  ['余', 4],
  ['杜', 4],
  ['叶', 4],
  ['程', 4],
  ['苏', 3],
  ['魏', 3],
  ['吕', 3],
  ['丁', 3],
  ['任', 3],
  ['沈', 3],
  ['姚', 3],
  ['卢', 3],
  ['姜', 3],
  ['崔', 3],
  ['钟', 3],
  ['谭', 3],
  ['陆', 3],
  ['汪', 3],
  ['范', 3],
  ['单', 1],
];
const MALE = [...'伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣立志国建文斌晨轩博睿'];
const FEMALE = [...'芳娜敏静丽艳娟霞燕玲婷雪慧颖琳洁梅萍红莉倩悦欣怡婉晴蕾薇佳嘉瑶璐雯妍彤琪馨月'];
const CHILD = [...'子一梓若思嘉浩宇轩泽睿涵欣语诺晨'];

// Shanghai districts with their GB/T 2260 codes (the first six digits of a resident ID number).
const DISTRICTS: readonly (readonly [string, string, number])[] = [
  ['上海市浦东新区', '310115', 22],
  ['上海市闵行区', '310112', 11],
  ['上海市徐汇区', '310104', 7],
  ['上海市宝山区', '310113', 9],
  ['上海市松江区', '310117', 8],
  ['上海市嘉定区', '310114', 7],
  ['上海市杨浦区', '310110', 5],
  ['上海市普陀区', '310107', 5],
  ['上海市静安区', '310106', 4],
  ['上海市长宁区', '310105', 3],
  ['上海市虹口区', '310109', 3],
  ['上海市黄浦区', '310101', 3],
  ['上海市青浦区', '310118', 5],
  ['上海市奉贤区', '310120', 4],
  ['上海市金山区', '310116', 3],
  ['上海市崇明区', '310151', 1],
];
const STREETS = [
  '世纪大道',
  '张杨路',
  '漕溪北路',
  '虹桥路',
  '淮海中路',
  '南京西路',
  '四平路',
  '莘庄路',
  '共和新路',
  '沪亭北路',
];

const OCCUPATION_WEIGHTS: readonly (readonly [Occupation, number])[] = [
  ['企业主', 5],
  ['企业高管', 5],
  ['公务员', 4],
  ['事业单位', 5],
  ['教师', 6],
  ['医生', 3],
  ['护士', 3],
  ['律师', 1],
  ['会计', 4],
  ['工程师', 7],
  ['IT从业者', 8],
  ['金融从业者', 4],
  ['销售', 7],
  ['个体经营', 7],
  ['自由职业', 4],
  ['工人', 6],
  ['司机', 3],
  ['农民', 1],
  ['军人', 1],
  ['全职家庭', 4],
  ['退休', 8],
  ['其他', 3],
];
const SOURCES: readonly (readonly [Source, number])[] = [
  ['企微扫码', 30],
  ['转介绍', 0],
  ['公众号', 10],
  ['小程序', 8],
  ['活动', 8],
  ['导入', 15],
  ['陌生拜访', 5],
  ['广告', 4],
  ['官网', 3],
  ['其他', 5],
];
const TAGS = [
  '高净值',
  '企业主',
  '教育金',
  '养老规划',
  '车主',
  '医护',
  '年轻家庭',
  '保障型',
  '理财型',
  '老年客户',
];

// Products by line: insurer, product, typical annual premium range (yuan), sum insured range, short-term?
const PRODUCTS: Record<Line, readonly (readonly [string, string, number, number, number, number])[]> = {
  重疾: [
    ['平安人寿', '平安福', 6000, 20000, 300000, 800000],
    ['中国人寿', '国寿福', 5000, 15000, 300000, 600000],
    ['友邦保险', '友邦全佑', 8000, 30000, 500000, 1000000],
  ],
  医疗: [
    ['众安保险', '尊享e生', 300, 1500, 3000000, 6000000],
    ['平安健康', 'e生保', 300, 1200, 2000000, 4000000],
    ['太平洋保险', '蓝医保', 200, 1000, 2000000, 4000000],
  ],
  意外: [
    ['太平洋保险', '综合意外险', 100, 600, 100000, 1000000],
    ['众安保险', '驾乘意外险', 150, 400, 200000, 500000],
  ],
  寿险: [
    ['友邦保险', '友邦定期寿险', 1500, 6000, 1000000, 3000000],
    ['中国人寿', '国寿定期寿', 1200, 5000, 500000, 2000000],
  ],
  年金: [
    ['中国人寿', '鑫享福年金', 20000, 100000, 200000, 2000000],
    ['新华保险', '新华惠添富', 10000, 50000, 200000, 1000000],
    ['泰康人寿', '泰康教育金', 12000, 40000, 200000, 600000],
  ],
  增额寿: [
    ['泰康人寿', '泰康鑫享', 20000, 200000, 300000, 3000000],
    ['太平人寿', '太平福禄', 20000, 100000, 300000, 2000000],
  ],
  车险: [
    ['人保财险', '机动车商业险', 3000, 9000, 1000000, 3000000],
    ['平安财险', '平安车险', 3000, 8000, 1000000, 2000000],
    ['太平洋财险', '太保车险', 3000, 8000, 1000000, 2000000],
  ],
  财产险: [
    ['人保财险', '家庭财产险', 300, 1500, 200000, 1000000],
    ['平安财险', '企业财产险', 5000, 30000, 1000000, 10000000],
  ],
  其他: [['华泰保险', '旅行险', 50, 300, 100000, 500000]],
};
const LINE_WEIGHTS: readonly (readonly [Line, number])[] = [
  ['医疗', 24],
  ['重疾', 16],
  ['意外', 14],
  ['车险', 16],
  ['寿险', 7],
  ['年金', 8],
  ['增额寿', 6],
  ['财产险', 7],
  ['其他', 2],
];
const SHORT_TERM = new Set<Line>(['医疗', '意外', '车险', '财产险', '其他']);
const CLAIMABLE = new Set<Line>(['医疗', '重疾', '意外', '车险', '财产险']);
const INCIDENTS: Record<string, readonly string[]> = {
  医疗: ['门诊手术', '住院医疗', '急诊住院'],
  重疾: ['重疾确诊', '恶性肿瘤确诊'],
  意外: ['骨折住院', '意外受伤门诊'],
  车险: ['车辆追尾', '车辆剐蹭', '停车场碰撞'],
  财产险: ['家中水管爆裂', '台风损失'],
};
// Claims in every state, weighted like a live book (most closed, a tail in each open state).
const CLAIM_TARGETS: readonly (readonly [ClaimStatus, number])[] = [
  ['reported', 4],
  ['accepted', 4],
  ['reviewing', 6],
  ['need_documents', 4],
  ['approved', 3],
  ['paid', 8],
  ['rejected', 2],
  ['closed', 30],
];
const CLAIM_PATHS: Record<ClaimStatus, ClaimStatus[]> = {
  reported: [],
  accepted: ['accepted'],
  reviewing: ['accepted', 'reviewing'],
  need_documents: ['accepted', 'reviewing', 'need_documents'],
  approved: ['accepted', 'reviewing', 'approved'],
  paid: ['accepted', 'reviewing', 'need_documents', 'reviewing', 'approved', 'paid'],
  rejected: ['accepted', 'reviewing', 'rejected'],
  closed: ['accepted', 'reviewing', 'approved', 'paid', 'closed'],
};
const INTERACTION_TYPES = [
  ['call', 4],
  ['wechat', 6],
  ['visit', 2],
  ['meeting', 1],
  ['sms', 1],
] as const;
const SUMMARIES = [
  '保单年检，客户暂无新需求',
  '沟通家庭保障缺口，客户有意加保重疾',
  '讲解年金产品，客户关注保证利益',
  '续保提醒，客户确认续保',
  '理赔进度回访',
  '生日问候，顺便了解孩子教育金规划',
  '客户咨询医疗险报销范围',
  '车险到期前报价',
];

// Phone prefixes not used by the small demo seed (scripts/seed/customers.ts), so the two never collide.
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '134',
  '136',
  '137',
  '151',
  '152',
  '153',
  '157',
  '158',
  '159',
  '180',
  '181',
  '182',
  '183',
  '187',
  '188',
  '189',
  '191',
  '199',
];
const WORK_PREFIXES = ['170', '171', '173', '175', '176', '178'];
/** A bijection of index → 8 digits (7919 is coprime with 10^8), so phones are unique without a lookup. */
const suffix8 = (index: number, seed: number, salt: number) =>
  String((index * 7919 + seed * 104729 + salt) % 100_000_000).padStart(8, '0');

// --- generation ---------------------------------------------------------------------------------

const DAY = 86_400_000;
const md = (date: string | undefined) => (date ? date.slice(5) : undefined);
const at = (date: string, hour: number, minute = 0) =>
  new Date(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`);

/** One insert batch: documents per collection, in the stored shape. */
export interface ScaleBatch {
  /** Customer indexes [from, to). */
  from: number;
  to: number;
  customers: Record<string, unknown>[];
  phoneKeys: Record<string, unknown>[];
  policies: Record<string, unknown>[];
  claims: Record<string, unknown>[];
  interactions: Record<string, unknown>[];
  tasks: Record<string, unknown>[];
}

interface Person {
  index: number;
  id: Types.ObjectId;
  name: string;
  surname: string;
  gender: 'male' | 'female';
  birthday: string;
}

/**
 * Yields batches of documents for `opts.customers` customers. Pure apart from `pii.encrypt`'s random IV:
 * no database reads, memory bounded by one batch plus a per-birthday counter (ID number sequence digits).
 */
export function* generateScale(
  opts: ScaleOptions,
  agents: readonly ScaleAgent[],
  pii: PiiCipher,
): Generator<ScaleBatch> {
  if (agents.length === 0) throw new Error('scale seed: no agents to own customers');
  const { seed, today } = opts;
  const batchSize = opts.batchSize ?? 500;
  const now = at(today, 9);
  const todayYear = Number(today.slice(0, 4));
  // Agents carry unequal books (seniority): a fixed weight per agent from the seed.
  const agentRand = prng(mix(seed, 0xa6e7));
  const agentWeights = agents.map((a) => [a, 0.3 + agentRand() * 1.7] as const);
  // Sequence digits of ID numbers, unique per (birthday, gender): bounded by the number of dates.
  const idSeq = new Map<string, number>();
  // pinyin-pro costs ~0.5 ms a name and names repeat: a bounded cache.
  const pinyinCache = new Map<string, { initials: string; full: string }>();
  const searchKeys = (name: string) => {
    let k = pinyinCache.get(name);
    if (!k) {
      if (pinyinCache.size > 50_000) pinyinCache.clear();
      pinyinCache.set(name, (k = nameSearchKeys(name)));
    }
    return k;
  };
  let policySeq = 0;
  let claimSeq = 0;
  let interactionSeq = 0;
  let taskSeq = 0;

  let index = 0;
  let household = 0;
  let batch = emptyBatch(0);
  // Within-batch bookkeeping for segmentation: referrals made, and each customer's inputs.
  let segInputs = new Map<number, { doc: Record<string, unknown>; input: SegmentationInput }>();

  function emptyBatch(from: number): ScaleBatch {
    return {
      from,
      to: from,
      customers: [],
      phoneKeys: [],
      policies: [],
      claims: [],
      interactions: [],
      tasks: [],
    };
  }

  function finish(): ScaleBatch {
    for (const { doc, input } of segInputs.values()) {
      const seg: Segmentation = computeSegmentation(input);
      doc.segmentation = seg;
    }
    segInputs = new Map();
    const out = batch;
    out.to = index;
    batch = emptyBatch(index);
    return out;
  }

  function idNumber(p: Person, districtCode: string): string {
    const key = `${p.birthday}${p.gender}`;
    const n = idSeq.get(key) ?? 0;
    idSeq.set(key, n + 1);
    // The 17th digit is odd for men, even for women; n < 500 per (date, gender) at any realistic size.
    const seq = String(((n % 500) * 2 + (p.gender === 'male' ? 1 : 0)) % 1000).padStart(3, '0');
    const first17 = `${districtCode}${p.birthday.replaceAll('-', '')}${seq}`;
    return first17 + idNumberCheckChar(first17);
  }

  function birthdayFor(r: Rand, age: number): string {
    const year = todayYear - age;
    const month = int(r, 1, 12);
    const day = int(
      r,
      1,
      [31, year % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 28,
    );
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }

  function givenName(r: Rand, gender: 'male' | 'female'): string {
    const pool = gender === 'male' ? MALE : FEMALE;
    return r() < 0.7 ? pick(r, pool) + pick(r, pool) : pick(r, pool);
  }

  while (index < opts.customers) {
    const r = prng(mix(seed, household));
    household++;
    const agent = weighted(r, agentWeights);
    const ownership = {
      ownerId: new Types.ObjectId(agent.id),
      teamId: agent.teamId ? new Types.ObjectId(agent.teamId) : undefined,
      branchId: agent.branchId ? new Types.ObjectId(agent.branchId) : undefined,
    };
    const [region, districtCode] = weighted(
      r,
      DISTRICTS.map(([name, code, w]) => [[name, code] as const, w] as const),
    );
    const address = `${region}${pick(r, STREETS)}${int(r, 1, 999)}号${int(r, 1, 30)}0${int(r, 1, 4)}室`;
    const familySurname = weighted(r, SURNAMES);
    // Household: a single customer, a couple, or a couple plus a grown child or a parent who also buys.
    const remaining = opts.customers - index;
    const size = Math.min(
      remaining,
      weighted(r, [
        [1, 45],
        [2, 40],
        [3, 15],
      ] as const),
    );
    const headAge = weighted(r, [
      [int(r, 24, 34), 30],
      [int(r, 35, 49), 40],
      [int(r, 50, 64), 20],
      [int(r, 65, 80), 10],
    ] as const);
    const headGender = r() < 0.52 ? 'male' : 'female';
    const members: (Person & { age: number; role: 'head' | 'spouse' | 'child' | 'parent' })[] = [];
    const person = (
      age: number,
      gender: 'male' | 'female',
      surname: string,
      role: (typeof members)[number]['role'],
    ) => {
      const p = {
        index,
        id: scaleId('customer', seed, index),
        surname,
        name: surname + givenName(r, gender),
        gender,
        birthday: birthdayFor(r, age),
        age,
        role,
      };
      index++;
      members.push(p);
      return p;
    };
    const head = person(headAge, headGender, familySurname, 'head');
    if (size >= 2)
      person(
        Math.max(22, headAge + int(r, -5, 5)),
        headGender === 'male' ? 'female' : 'male',
        weighted(r, SURNAMES),
        'spouse',
      );
    if (size >= 3) {
      if (headAge >= 48)
        person(headAge - int(r, 24, 32), r() < 0.5 ? 'male' : 'female', familySurname, 'child');
      else person(headAge + int(r, 24, 32), r() < 0.5 ? 'male' : 'female', familySurname, 'parent');
    }
    // Children under 18 are family entries, not customers (they are insured through a parent).
    const kids =
      headAge >= 28 && headAge <= 50 && size >= 2
        ? Array.from(
            {
              length: weighted(r, [
                [0, 30],
                [1, 50],
                [2, 20],
              ] as const),
            },
            () => {
              const g = r() < 0.5 ? ('male' as const) : ('female' as const);
              return {
                name: familySurname + pick(r, CHILD) + givenName(r, g).slice(0, 1),
                birthday: birthdayFor(r, int(r, 1, 17)),
              };
            },
          )
        : [];
    // A referral from an earlier customer in the same batch, so the referrer's count is known here.
    const referrerIndex =
      batch.from < head.index && r() < 0.25 ? int(r, batch.from, head.index - 1) : undefined;

    for (const m of members) {
      const mr = prng(mix(seed ^ 0x5eed, m.index));
      const occupation: Occupation =
        m.age >= 62 ? '退休' : m.age <= 23 ? '学生' : weighted(mr, OCCUPATION_WEIGHTS);
      const phone = `+86${pick(mr, MOBILE_PREFIXES)}${suffix8(m.index, seed, 0)}`;
      const phones = [{ number: phone, label: 'mobile' }];
      if (mr() < 0.12)
        phones.push({ number: `+86${pick(mr, WORK_PREFIXES)}${suffix8(m.index, seed, 7)}`, label: 'work' });
      const id = idNumber(m, districtCode);
      const keys = searchKeys(m.name);
      // Customer since 0–8 years ago; the book grows, so recent years hold more customers.
      const createdAt = new Date(
        now.getTime() - Math.floor(Math.pow(mr(), 1.6) * 8 * 365) * DAY - int(mr, 0, 86_000) * 1000,
      );
      const others = members.filter((o) => o !== m);
      const relationOf = (o: (typeof members)[number]): 'spouse' | 'child' | 'parent' | 'other' => {
        if ((m.role === 'head' && o.role === 'spouse') || (m.role === 'spouse' && o.role === 'head'))
          return 'spouse';
        if (o.role === 'child' && (m.role === 'head' || m.role === 'spouse')) return 'child';
        if (o.role === 'parent' && m.role === 'head') return 'parent';
        if (m.role === 'child' && (o.role === 'head' || o.role === 'spouse')) return 'parent';
        if (m.role === 'parent' && o.role === 'head') return 'child';
        return 'other';
      };
      let familySeq = 0;
      const familyId = () => scaleId('family', seed, m.index * 8 + familySeq++);
      const family = [
        ...others.map((o) => ({
          _id: familyId(),
          relation: relationOf(o),
          name: o.name,
          birthday: o.birthday,
          birthdayMd: md(o.birthday),
          linkedCustomerId: o.id,
        })),
        ...(m.role === 'head' || m.role === 'spouse'
          ? kids.map((k) => ({
              _id: familyId(),
              relation: 'child' as const,
              name: k.name,
              birthday: k.birthday,
              birthdayMd: md(k.birthday),
              linkedCustomerId: undefined,
            }))
          : []),
      ];
      const spouse = others.find((o) => relationOf(o) === 'spouse');
      const weddingYear = Math.max(todayYear - m.age + 23, todayYear - 40);
      const anniversaries =
        spouse && m.role !== 'child'
          ? [
              {
                _id: familyId(),
                label: '结婚纪念日',
                date: `${weddingYear}-${String(int(r, 1, 12)).padStart(2, '0')}-${String(int(r, 1, 28)).padStart(2, '0')}`,
              },
            ]
          : [];
      for (const a of anniversaries) Object.assign(a, { md: md(a.date) });
      const tags = [
        ...new Set(
          Array.from(
            {
              length: weighted(mr, [
                [0, 40],
                [1, 40],
                [2, 20],
              ] as const),
            },
            () => pick(mr, TAGS),
          ),
        ),
      ];
      const referrerId =
        m.role === 'head' && referrerIndex !== undefined
          ? scaleId('customer', seed, referrerIndex)
          : undefined;
      const source: Source = referrerId ? '转介绍' : m.role === 'head' ? weighted(mr, SOURCES) : '转介绍';
      const idn = mr() < 0.85 ? id : undefined;

      // --- policies: 0–8 per customer, about 3 on average ---
      const policyCount = weighted(mr, [
        [0, 8],
        [1, 17],
        [2, 22],
        [3, 20],
        [4, 14],
        [5, 9],
        [6, 6],
        [8, 4],
      ] as const);
      const segPolicies: SegmentationInput['policies'] = [];
      const segClaims: { createdAt: Date }[] = [];
      let annualFound = 0;
      for (let k = 0; k < policyCount; k++) {
        const line = weighted(mr, LINE_WEIGHTS);
        const [insurer, product, pLo, pHi, sLo, sHi] = pick(mr, PRODUCTS[line]);
        const shortTerm = SHORT_TERM.has(line);
        const freq = shortTerm
          ? weighted(mr, [
              ['annual', 9],
              ['monthly', 1],
            ] as const)
          : weighted(mr, [
              ['annual', 80],
              ['semiannual', 5],
              ['quarterly', 3],
              ['monthly', 7],
              ['single', 5],
            ] as const);
        const yearly = Math.round((pLo + mr() * (pHi - pLo)) / 10) * 10;
        const perPayment =
          freq === 'monthly'
            ? Math.round(yearly / 12)
            : freq === 'quarterly'
              ? Math.round(yearly / 4)
              : freq === 'semiannual'
                ? Math.round(yearly / 2)
                : yearly;
        const sumInsured = Math.round((sLo + mr() * (sHi - sLo)) / 10_000) * 10_000;
        // Short-term policies renew yearly: expiry uniform over the next year (some already lapsed back);
        // long-term ones run 10–30 years from an effective date in the past.
        const policyAgeDays = Math.min(
          int(mr, 0, 8 * 365),
          Math.floor((now.getTime() - createdAt.getTime()) / DAY),
        );
        const effectiveDate = addDays(today, -policyAgeDays);
        let expiryDate: string;
        let status: 'in_force' | 'lapsed' | 'surrendered' | 'expired' | 'renewed' = 'in_force';
        if (shortTerm) {
          const offset = int(mr, -45, 365);
          expiryDate = addDays(today, offset);
          if (offset < 0) status = mr() < 0.6 ? 'renewed' : 'expired';
        } else {
          expiryDate = addDays(effectiveDate, 365 * int(mr, 10, 30));
          const u = mr();
          if (u < 0.04) status = 'lapsed';
          else if (u < 0.06) status = 'surrendered';
        }
        const policyId = scaleId('policy', seed, policySeq);
        const number = `${insurer === '中国人寿' ? 'GS' : 'P'}${String(seed).padStart(3, '0')}${String(policySeq).padStart(9, '0')}`;
        policySeq++;
        const insuredIsSelf = mr() < 0.8 || others.length === 0;
        const insured = insuredIsSelf ? m : pick(mr, others);
        const createdPolicyAt = new Date(Math.max(createdAt.getTime(), at(effectiveDate, 10).getTime()));
        batch.policies.push({
          _id: policyId,
          number,
          insurer,
          product,
          line,
          customerId: m.id,
          applicantName: m.name,
          insuredName: insured.name,
          ...(insuredIsSelf ? {} : { insuredCustomerId: insured.id }),
          beneficiaries: shortTerm ? [] : [{ name: '法定', relation: '法定继承人', sharePercent: 100 }],
          sumInsured,
          premium: perPayment,
          paymentFrequency: freq,
          paymentTermYears: shortTerm ? 1 : freq === 'single' ? 1 : pick(mr, [10, 15, 20, 30]),
          effectiveDate,
          expiryDate,
          status,
          ...(status === 'renewed' ? { renewalOutcome: 'renewed' } : {}),
          ...ownership,
          createdAt: createdPolicyAt,
          updatedAt: createdPolicyAt,
        });
        if (line === '年金' || line === '增额寿') annualFound++;
        segPolicies.push({
          line,
          status,
          sumInsured,
          premium: perPayment,
          paymentFrequency: freq,
          effectiveDate,
          expiryDate,
          renewalOutcome: status === 'renewed' ? 'renewed' : undefined,
        });

        // --- claims: about 9% of claimable policies, in every state ---
        if (CLAIMABLE.has(line) && mr() < 0.09) {
          const target = weighted(mr, CLAIM_TARGETS);
          const path = CLAIM_PATHS[target];
          const incidentDaysAgo =
            target === 'closed' || target === 'paid' ? int(mr, 30, 700) : int(mr, 2, 60);
          const incidentDate = addDays(today, -Math.min(incidentDaysAgo, policyAgeDays));
          const reportedAt = new Date(at(incidentDate, 10).getTime() + int(mr, 0, 3) * DAY);
          const amountClaimed = line === '重疾' ? sumInsured : Math.round((1000 + mr() * 30_000) / 100) * 100;
          const timeline: Record<string, unknown>[] = [
            { seq: 1, to: 'reported', at: reportedAt, actorId: agent.id, note: '客户微信报案' },
          ];
          let prev: ClaimStatus = 'reported';
          let t = reportedAt.getTime();
          for (const to of path) {
            t += int(mr, 1, 6) * DAY + int(mr, 0, 20_000) * 1000;
            timeline.push({
              seq: timeline.length + 1,
              from: prev,
              to,
              at: new Date(Math.min(t, now.getTime() - 60_000)),
              actorId: agent.id,
              ...(to === 'need_documents' ? { note: '请补充出院小结和发票原件' } : {}),
            });
            prev = to;
          }
          const paid = path.includes('paid');
          const lastAt = (timeline[timeline.length - 1] as { at: Date }).at;
          batch.claims.push({
            _id: scaleId('claim', seed, claimSeq),
            number: `LP${String(seed).padStart(3, '0')}${String(claimSeq).padStart(8, '0')}`,
            policyId,
            customerId: m.id,
            claimantName: insured.name,
            incidentDate,
            description: pick(mr, INCIDENTS[line] ?? ['理赔']),
            amountClaimed,
            ...(paid ? { amountPaid: Math.round(amountClaimed * (0.8 + mr() * 0.2)) } : {}),
            status: target,
            timeline,
            ...ownership,
            createdAt: reportedAt,
            updatedAt: lastAt,
          });
          claimSeq++;
          segClaims.push({ createdAt: reportedAt });
        }
      }

      // --- interactions (0–6, recent ones likelier) and follow-up tasks ---
      const interactionCount = weighted(mr, [
        [0, 20],
        [1, 30],
        [2, 22],
        [3, 14],
        [4, 8],
        [6, 6],
      ] as const);
      let lastInteractionAt: Date | undefined;
      const softTags = new Set<string>();
      for (let k = 0; k < interactionCount; k++) {
        const daysAgo = Math.floor(Math.pow(mr(), 2) * 720);
        const occurredAt = new Date(now.getTime() - daysAgo * DAY - int(mr, 3600, 9 * 3600) * 1000);
        if (occurredAt < createdAt) continue;
        const interactionId = scaleId('interaction', seed, interactionSeq++);
        const summary = pick(mr, SUMMARIES);
        const itags = summary.includes('教育金') ? ['教育金'] : summary.includes('加保') ? ['加保意向'] : [];
        for (const t of itags) softTags.add(t);
        // A follow-up for recent contacts: due from last week (overdue) to two weeks ahead.
        const followUp = daysAgo < 21 && mr() < 0.6 ? addDays(today, int(mr, -7, 14)) : undefined;
        const taskId = followUp ? scaleId('task', seed, taskSeq++) : undefined;
        batch.interactions.push({
          _id: interactionId,
          customerId: m.id,
          agentId: ownership.ownerId,
          type: weighted(mr, INTERACTION_TYPES),
          occurredAt,
          summary: `${summary}（${m.name}）`,
          tags: itags,
          ...(followUp ? { nextFollowUpDate: followUp, followUpTaskId: taskId } : {}),
          ...ownership,
          createdAt: occurredAt,
          updatedAt: occurredAt,
        });
        if (followUp && taskId) {
          // Overdue follow-ups are mostly done already; the rest stay open.
          const done = followUp < today && mr() < 0.6;
          batch.tasks.push({
            _id: taskId,
            title: `跟进客户 ${m.name}`,
            note: summary,
            customerId: m.id,
            dueDate: followUp,
            status: done ? 'done' : 'open',
            sourceType: 'interaction',
            sourceId: interactionId,
            ...(done ? { completedAt: at(followUp, 17), completedBy: ownership.ownerId } : {}),
            createdBy: ownership.ownerId,
            ...ownership,
            createdAt: occurredAt,
            updatedAt: done ? at(followUp, 17) : occurredAt,
          });
        }
        if (!lastInteractionAt || occurredAt > lastInteractionAt) lastInteractionAt = occurredAt;
      }

      const customer: Record<string, unknown> = {
        _id: m.id,
        name: m.name,
        nameInitials: keys.initials,
        namePinyin: keys.full,
        gender: m.gender,
        birthday: m.birthday,
        birthdayMd: md(m.birthday),
        occupation,
        phones,
        phoneLast4: phones.map((p) => p.number.slice(-4)),
        ...(idn
          ? {
              idNumberEnc: pii.encrypt(idn),
              idNumberHash: pii.lookupHash(idn),
              idNumberMasked: maskIdNumber(idn),
            }
          : {}),
        address,
        region,
        // No identities yet (not bound to WeCom/WeChat): mongoose minimizes the empty object away.
        family,
        anniversaries,
        preferences: {
          channel: weighted(mr, [
            ['wecom', 70],
            ['phone', 20],
            ['sms', 5],
            ['visit', 5],
          ] as const),
          risk:
            annualFound > 0
              ? weighted(mr, [
                  ['平衡', 60],
                  ['激进', 25],
                  ['保守', 15],
                ] as const)
              : weighted(mr, [
                  ['保守', 45],
                  ['平衡', 50],
                  ['激进', 5],
                ] as const),
          contactTime: pick(mr, ['工作日晚上', '周末', '工作日午休', '随时']),
        },
        softInfo: { notes: '', tags: [...softTags] },
        tags,
        sourceChannel: source,
        ...(referrerId ? { referrerId } : {}),
        ...ownership,
        ...(lastInteractionAt ? { lastInteractionAt } : {}),
        createdAt,
        updatedAt: lastInteractionAt && lastInteractionAt > createdAt ? lastInteractionAt : createdAt,
      };
      batch.customers.push(customer);
      phones.forEach((p, k) =>
        batch.phoneKeys.push({
          _id: scaleId('phoneKey', seed, m.index * 2 + k),
          phone: p.number,
          customerId: m.id,
        }),
      );
      segInputs.set(m.index, {
        doc: customer,
        input: {
          now,
          customerCreatedAt: createdAt,
          lastInteractionAt,
          interactionCount,
          referralCount: 0,
          occupation,
          region,
          policies: segPolicies,
          claims: segClaims,
        },
      });
    }
    if (referrerIndex !== undefined) {
      const ref = segInputs.get(referrerIndex);
      if (ref) ref.input.referralCount++;
    }
    if (batch.customers.length >= batchSize) yield finish();
  }
  if (batch.customers.length > 0) yield finish();
}

// --- org at size ----------------------------------------------------------------------------------

/**
 * Agents for a book of `customers`: the demo org's agents plus generated ones (one per ~400 customers)
 * in additional teams of up to 25, each with a team lead. Idempotent (keyed by WeCom userid).
 */
export async function scaleOrg(
  users: UserRepository,
  demo: readonly UserRecord[],
  customers: number,
): Promise<ScaleAgent[]> {
  const demoAgents = demo.filter((u) => u.role === 'agent' && u.active);
  const branchId = demoAgents[0]?.branchId;
  if (!branchId) throw new Error('scale seed: the demo org has no agents (run the org seed first)');
  const wanted = Math.max(demoAgents.length, Math.ceil(customers / 400));
  const out: ScaleAgent[] = demoAgents.map((a) => ({ id: a.id, teamId: a.teamId, branchId: a.branchId }));
  const r = prng(0x0a6);
  for (let i = 0; out.length < wanted; i++) {
    const teamNo = Math.floor(i / 25) + 1;
    const team = await users.upsertTeam({ name: `规模${teamNo}部`, branchId });
    if (i % 25 === 0) {
      await users.upsertUserByWecomId({
        wecomUserId: `scale_lead_${teamNo}`,
        name: weighted(r, SURNAMES) + givenName2(r),
        role: 'team_lead',
        teamId: team.id,
        branchId,
        region: '上海',
        productLines: [],
      });
    }
    const u = await users.upsertUserByWecomId({
      wecomUserId: `scale_agent_${String(i + 1).padStart(4, '0')}`,
      name: weighted(r, SURNAMES) + givenName2(r),
      role: 'agent',
      teamId: team.id,
      branchId,
      region: '上海',
      productLines: [],
    });
    out.push({ id: u.id, teamId: u.teamId, branchId: u.branchId });
  }
  return out;
}
const givenName2 = (r: Rand) =>
  (r() < 0.5 ? pick(r, MALE) : pick(r, FEMALE)) + (r() < 0.6 ? pick(r, MALE.concat(FEMALE)) : '');

// --- writing ----------------------------------------------------------------------------------------

export interface ScaleProgress {
  customers: number;
  total: number;
  documents: number;
  elapsedMs: number;
}

export interface ScaleResult {
  customers: number;
  policies: number;
  claims: number;
  interactions: number;
  tasks: number;
  skippedBatches: number;
  seconds: number;
}

/**
 * Inserts the generated batches. Resumable: a batch whose last customer already exists is skipped,
 * and a partly written batch (a crash mid-batch) is completed with duplicate keys ignored.
 */
export async function seedScale(
  db: Database,
  opts: ScaleOptions,
  agents: readonly ScaleAgent[],
  pii: PiiCipher,
  onProgress?: (p: ScaleProgress) => void,
): Promise<ScaleResult> {
  const m = db.models;
  const started = Date.now();
  const counts = { customers: 0, policies: 0, claims: 0, interactions: 0, tasks: 0, skippedBatches: 0 };
  let documents = 0;
  for (const b of generateScale(opts, agents, pii)) {
    const lastId = (b.customers[b.customers.length - 1] as { _id: Types.ObjectId })._id;
    // `{ _id }` alone is the one filter the embedded FerretDB answers from its primary key.
    if (await m.Customer.exists({ _id: lastId })) {
      counts.skippedBatches++;
    } else {
      // Phone keys first, as the service claims phones before inserting the customer.
      const steps: [string, () => Promise<unknown>][] = [
        ['phoneKeys', () => insertAll(m.CustomerPhoneKey, b.phoneKeys)],
        ['customers', () => insertAll(m.Customer, b.customers)],
        ['policies', () => insertAll(m.Policy, b.policies)],
        ['claims', () => insertAll(m.Claim, b.claims)],
        ['interactions', () => insertAll(m.Interaction, b.interactions)],
        ['tasks', () => insertAll(m.Task, b.tasks)],
      ];
      for (const [, step] of steps) await step();
      counts.customers += b.customers.length;
      counts.policies += b.policies.length;
      counts.claims += b.claims.length;
      counts.interactions += b.interactions.length;
      counts.tasks += b.tasks.length;
    }
    documents +=
      b.customers.length +
      b.phoneKeys.length +
      b.policies.length +
      b.claims.length +
      b.interactions.length +
      b.tasks.length;
    onProgress?.({ customers: b.to, total: opts.customers, documents, elapsedMs: Date.now() - started });
  }
  return { ...counts, seconds: (Date.now() - started) / 1000 };
}

interface InsertableModel {
  insertMany(docs: Record<string, unknown>[], options: { ordered: boolean; lean: true }): Promise<unknown>;
}

/**
 * The document as mongoose would store it: undefined fields dropped (the driver would write null) and
 * the version key that Model.create adds.
 */
export function storedShape(doc: Record<string, unknown>): Record<string, unknown> {
  return { ...stripUndefined(doc), __v: 0 };
}
function stripUndefined(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v)
      ? v.map((x: unknown) => (isPlainObject(x) ? stripUndefined(x) : x))
      : isPlainObject(v)
        ? stripUndefined(v)
        : v;
  }
  return out;
}
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Lean insertMany (no per-document casting); `storedShape` gives the documents mongoose would write. */
async function insertAll(model: InsertableModel, docs: Record<string, unknown>[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await model.insertMany(docs.map(storedShape), { ordered: false, lean: true });
  } catch (err) {
    // Resuming a half-written batch: the rows already there are the same deterministic documents.
    if (!isDuplicateKeyError(err) && !allDuplicates(err)) throw err;
  }
}

function allDuplicates(err: unknown): boolean {
  const e = err as { writeErrors?: { code?: number; err?: { code?: number } }[] };
  return Array.isArray(e.writeErrors) && e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000);
}
