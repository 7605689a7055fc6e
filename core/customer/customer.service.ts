import type { Actor, AuditService } from '../audit/audit.service.js';
import { diffFields } from '../audit/audit.service.js';
import type { Principal } from '../auth/scope.js';
import type { ClaimRepository } from '../claim/claim.repository.js';
import { claimView } from '../claim/claim.view.js';
import { CLAIM_STATUS_LABELS } from '../claim/claim.status.js';
import { isDuplicateKeyError } from '../db/errors.js';
import { AppError, notFound } from '../errors.js';
import type { EventRepository } from '../events/events.repository.js';
import type { InteractionRepository } from '../interaction/interaction.repository.js';
import { interactionView, INTERACTION_TYPE_LABELS } from '../interaction/interaction.view.js';
import type { PolicyRepository } from '../policy/policy.repository.js';
import { policyView } from '../policy/policy.view.js';
import type { PiiCipher } from '../security/pii.js';
import { maskIdNumber } from '../security/pii.js';
import type { SegmentationService } from '../segmentation/segmentation.service.js';
import type { TaskRepository } from '../task/task.repository.js';
import { taskView } from '../task/task.view.js';
import type { TicketRepository } from '../ticket/ticket.repository.js';
import { ticketView } from '../ticket/ticket.view.js';
import type { UserRecord, UserRepository } from '../user/user.repository.js';
import type { ExportFormat } from '../import/export.js';
import { exportCustomers } from './customer.export.js';
import type {
  CustomerListFilter,
  CustomerRecord,
  CustomerRepository,
  CustomerWrite,
} from './customer.repository.js';
import type { CreateCustomerInput, ListCustomersQuery, UpdateCustomerInput } from './customer.schemas.js';
import {
  auditSnapshot,
  CUSTOMER_AUDIT_FIELDS,
  customerDetail,
  customerSummary,
  maySeeIdNumber,
} from './customer.view.js';
import { isValidIdNumber, normalizeIdNumber } from './id-number.js';
import { inScope, SYSTEM_SCOPE, type Ownership } from './ownership.js';
import { normalizeCnMobile } from './phone.js';
import { nameSearchKeys } from './search-keys.js';

export const customerNotFound = () => notFound('customer', '客户不存在或无权访问');

export const ownershipOf = (u: UserRecord): Ownership => ({
  ownerId: u.id,
  teamId: u.teamId,
  branchId: u.branchId,
});

/** Archived WeCom chat messages of a customer (core/compliance/archive's repository provides it). */
export interface ChatTimelineSource {
  messagesForCustomer(
    customer: Pick<CustomerRecord, 'id' | 'identities'>,
    opts: { limit: number; before?: Date | undefined },
  ): Promise<
    {
      msgid: string;
      msgtime: Date | undefined;
      msgtype: string | undefined;
      action: string;
      text: string | undefined;
      fromStaff: boolean;
      agentId: string | undefined;
      roomid: string | undefined;
      hitCount: number;
    }[]
  >;
}

export interface CustomerDeps {
  customers: CustomerRepository;
  policies: PolicyRepository;
  claims: ClaimRepository;
  interactions: InteractionRepository;
  tasks: TaskRepository;
  tickets: TicketRepository;
  events: EventRepository;
  users: UserRepository;
  pii: PiiCipher;
  audit: AuditService;
  segmentation: SegmentationService;
  clock: () => Date;
  chatArchive?: ChatTimelineSource | undefined;
}

/** Customers: create, read (list, 360 view, timeline), update; all scoped, audited and PII-protected. */
export function createCustomerService(deps: CustomerDeps) {
  const { customers, pii, audit } = deps;

  /** The owner of a new customer: the caller by default; otherwise an active agent or lead in scope. */
  async function resolveOwner(principal: Principal, ownerId: string | undefined): Promise<Ownership> {
    const id = ownerId ?? principal.userId;
    const user = await deps.users.findUserById(id);
    const invalid = (why: string, userMessage: string) =>
      new AppError('CUSTOMER_OWNER_INVALID', why, {
        userMessage,
        details: [{ path: 'ownerId', message: userMessage }],
      });
    if (!user || !user.active) throw invalid('owner not found or inactive', '归属顾问不存在或已停用');
    if (user.role !== 'agent' && user.role !== 'team_lead') {
      throw invalid(`owner role ${user.role} cannot own customers`, '请指定一位业务员或团队主管作为归属顾问');
    }
    const ownership = ownershipOf(user);
    if (!inScope(principal.scope, ownership))
      throw invalid('owner outside the caller scope', '只能把客户分配给您管辖范围内的顾问');
    return ownership;
  }

  /** A referenced customer (referrer, linked family member) must exist in the caller's scope. */
  async function checkReferences(
    principal: Principal,
    ids: { referrerId?: string | null | undefined; linked: string[] },
  ) {
    const wanted = [...(ids.referrerId ? [ids.referrerId] : []), ...ids.linked];
    if (wanted.length === 0) return;
    const found = new Set((await customers.findByIds(principal.scope, wanted)).map((c) => c.id));
    const details = [];
    if (ids.referrerId && !found.has(ids.referrerId))
      details.push({ path: 'referrerId', message: '推荐人不存在或无权访问' });
    ids.linked.forEach((id, i) => {
      if (!found.has(id))
        details.push({ path: `family.${i}.linkedCustomerId`, message: '关联客户不存在或无权访问' });
    });
    if (details.length) {
      throw new AppError('CUSTOMER_REFERENCE_INVALID', 'referenced customer missing or out of scope', {
        userMessage: '引用的客户不存在或无权访问',
        details,
      });
    }
  }

  /** 409 for a phone that already belongs to someone; the id only when the caller may open that customer. */
  async function phoneTaken(
    principal: Principal,
    phone: string,
    existingId: string | undefined,
  ): Promise<AppError> {
    const visible = existingId ? await customers.findById(principal.scope, existingId) : undefined;
    return new AppError('CUSTOMER_PHONE_TAKEN', 'phone already belongs to a customer', {
      userMessage: visible ? `手机号已登记在客户「${visible.name}」名下` : '该手机号已登记在其他客户名下',
      details: { field: 'phones', phone: phone.slice(-4), ...(visible ? { existingId: visible.id } : {}) },
    });
  }

  async function assertPhonesFree(principal: Principal, phones: string[], exceptId?: string) {
    const owners = await customers.phoneOwners(phones, exceptId);
    const first = [...owners.entries()][0];
    if (first) throw await phoneTaken(principal, first[0], first[1]);
  }

  async function assertIdNumberFree(principal: Principal, hash: string, exceptId?: string) {
    const existing = await customers.findByIdNumberHash(SYSTEM_SCOPE, hash);
    if (!existing || existing.id === exceptId) return;
    const visible = inScope(principal.scope, existing.ownership);
    throw new AppError('CUSTOMER_ID_NUMBER_TAKEN', 'id number already belongs to a customer', {
      userMessage: visible
        ? `身份证号已登记在客户「${existing.name}」名下`
        : '该身份证号已登记在其他客户名下',
      details: { field: 'idNumber', ...(visible ? { existingId: existing.id } : {}) },
    });
  }

  function idNumberFields(idNumber: string | null | undefined) {
    if (!idNumber) return { idNumberEnc: undefined, idNumberHash: undefined, idNumberMasked: undefined };
    const n = normalizeIdNumber(idNumber);
    return { idNumberEnc: pii.encrypt(n), idNumberHash: pii.lookupHash(n), idNumberMasked: maskIdNumber(n) };
  }

  async function get(principal: Principal, id: string): Promise<CustomerRecord> {
    const c = await customers.findById(principal.scope, id);
    if (!c) throw customerNotFound();
    return c;
  }

  /** The repository filter of a list query (text → name/pinyin/phone, policy number, ID number). */
  async function listFilter(
    principal: Principal,
    query: Omit<ListCustomersQuery, 'page' | 'pageSize'>,
  ): Promise<CustomerListFilter> {
    let text: { nameRegex?: string; pinyinPrefix?: string; phone?: string; last4?: string } | undefined;
    let alsoIds: string[] | undefined;
    if (query.q) {
      const q = query.q;
      const digits = q.replace(/[\s-]/g, '');
      const phone = normalizeCnMobile(q);
      if (phone) text = { phone };
      else if (/^\d{4}$/.test(digits)) text = { last4: digits };
      else if (/^[a-z]+$/i.test(q)) text = { pinyinPrefix: q.toLowerCase(), nameRegex: q };
      else text = { nameRegex: q };
      // Any query may also be a policy number; an ID number matches exactly through the keyed hash.
      alsoIds = await deps.policies.customerIdsByNumber(principal.scope, q);
      if (isValidIdNumber(q)) {
        const byId = await customers.findByIdNumberHash(
          principal.scope,
          pii.lookupHash(normalizeIdNumber(q)),
        );
        if (byId) alsoIds.push(byId.id);
      }
    }
    return {
      text,
      alsoIds,
      tag: query.tag,
      tier: query.tier,
      book: query.book,
      lifecycle: query.lifecycle,
      ownerId: query.ownerId,
    };
  }

  return {
    get,

    async create(actor: Actor, input: CreateCustomerInput) {
      const { principal } = actor;
      const ownership = await resolveOwner(principal, input.ownerId);
      await checkReferences(principal, {
        referrerId: input.referrerId,
        linked: (input.family ?? []).flatMap((f) => (f.linkedCustomerId ? [f.linkedCustomerId] : [])),
      });
      const phones = input.phones ?? [];
      await assertPhonesFree(
        principal,
        phones.map((p) => p.number),
      );
      const idFields = idNumberFields(input.idNumber);
      if (idFields.idNumberHash) await assertIdNumberFree(principal, idFields.idNumberHash);

      const keys = nameSearchKeys(input.name);
      const write: CustomerWrite = {
        name: input.name,
        nameInitials: keys.initials,
        namePinyin: keys.full,
        gender: input.gender ?? 'unknown',
        birthday: input.birthday,
        occupation: input.occupation,
        phones: phones.map((p) => ({ number: p.number, label: p.label })),
        ...idFields,
        address: input.address,
        region: input.region,
        identities: {
          corpId: input.identities?.corpId,
          externalUserId: input.identities?.externalUserId,
          unionid: input.identities?.unionid,
          openid: input.identities?.openid,
        },
        family: (input.family ?? []).map((f) => ({
          id: customers.newId(),
          relation: f.relation,
          name: f.name,
          birthday: f.birthday,
          linkedCustomerId: f.linkedCustomerId,
        })),
        anniversaries: (input.anniversaries ?? []).map((a) => ({ id: customers.newId(), ...a })),
        preferences: {
          channel: input.preferences?.channel,
          risk: input.preferences?.risk,
          contactTime: input.preferences?.contactTime,
        },
        softInfo: { notes: input.softInfo?.notes ?? '', tags: input.softInfo?.tags ?? [] },
        tags: input.tags ?? [],
        sourceChannel: input.sourceChannel ?? (input.referrerId ? '转介绍' : '其他'),
        referrerId: input.referrerId,
      };

      // Phones are claimed first (unique index) so two racing creates cannot both win; if the customer
      // insert then fails, the claims are released: nothing is left half-written.
      const id = customers.newId();
      const phoneNumbers = write.phones.map((p) => p.number);
      try {
        await customers.claimPhones(id, phoneNumbers);
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          const owners = await customers.phoneOwners(phoneNumbers, id);
          const first = [...owners.entries()][0];
          throw await phoneTaken(principal, first?.[0] ?? '', first?.[1]);
        }
        throw err;
      }
      let created: CustomerRecord;
      try {
        created = await customers.insert(id, write, ownership);
      } catch (err) {
        await customers.releasePhones(id, phoneNumbers);
        throw err;
      }
      await audit.record(
        actor,
        'create',
        'customer',
        created.id,
        diffFields(undefined, auditSnapshot(created), CUSTOMER_AUDIT_FIELDS),
      );
      await deps.segmentation.recompute(created.id);
      if (created.referrerId) await deps.segmentation.recompute(created.referrerId);
      return customerDetail(await get(principal, created.id), principal);
    },

    async update(actor: Actor, id: string, input: UpdateCustomerInput) {
      const { principal } = actor;
      const before = await get(principal, id);
      await checkReferences(principal, {
        referrerId: input.referrerId,
        linked: (input.family ?? []).flatMap((f) => (f.linkedCustomerId ? [f.linkedCustomerId] : [])),
      });
      if (input.referrerId === id) {
        throw new AppError('CUSTOMER_REFERENCE_INVALID', 'customer cannot refer themselves', {
          userMessage: '客户不能是自己的推荐人',
          details: [{ path: 'referrerId', message: '客户不能是自己的推荐人' }],
        });
      }
      const newPhones = input.phones?.map((p) => ({ number: p.number, label: p.label })) ?? before.phones;
      const beforeNumbers = new Set(before.phones.map((p) => p.number));
      const added = newPhones.map((p) => p.number).filter((n) => !beforeNumbers.has(n));
      const removed = [...beforeNumbers].filter((n) => !newPhones.some((p) => p.number === n));
      await assertPhonesFree(principal, added, id);
      let idFields = {
        idNumberEnc: before.idNumberEnc,
        idNumberHash: before.idNumberHash,
        idNumberMasked: before.idNumberMasked,
      };
      if (input.idNumber !== undefined) {
        idFields = idNumberFields(input.idNumber);
        if (idFields.idNumberHash) await assertIdNumberFree(principal, idFields.idNumberHash, id);
      }
      const name = input.name ?? before.name;
      const keys = nameSearchKeys(name);
      const nullable = <T>(v: T | null | undefined, old: T | undefined): T | undefined =>
        v === null ? undefined : v === undefined ? old : v;
      const write: CustomerWrite = {
        name,
        nameInitials: keys.initials,
        namePinyin: keys.full,
        gender: input.gender ?? before.gender,
        birthday: nullable(input.birthday, before.birthday),
        occupation: nullable(input.occupation, before.occupation),
        phones: newPhones,
        ...idFields,
        address: nullable(input.address, before.address),
        region: nullable(input.region, before.region),
        identities: input.identities
          ? {
              corpId: input.identities.corpId,
              externalUserId: input.identities.externalUserId,
              unionid: input.identities.unionid,
              openid: input.identities.openid,
            }
          : before.identities,
        family: input.family
          ? input.family.map((f) => ({
              id: customers.newId(),
              relation: f.relation,
              name: f.name,
              birthday: f.birthday,
              linkedCustomerId: f.linkedCustomerId,
            }))
          : before.family,
        anniversaries: input.anniversaries
          ? input.anniversaries.map((a) => ({ id: customers.newId(), ...a }))
          : before.anniversaries,
        preferences: input.preferences
          ? {
              channel: input.preferences.channel,
              risk: input.preferences.risk,
              contactTime: input.preferences.contactTime,
            }
          : before.preferences,
        softInfo: input.softInfo
          ? {
              notes: input.softInfo.notes ?? before.softInfo.notes,
              tags: input.softInfo.tags ?? before.softInfo.tags,
            }
          : before.softInfo,
        tags: input.tags ?? before.tags,
        sourceChannel: input.sourceChannel ?? before.sourceChannel,
        referrerId: nullable(input.referrerId, before.referrerId),
      };
      try {
        await customers.claimPhones(id, added);
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          const owners = await customers.phoneOwners(added, id);
          const first = [...owners.entries()][0];
          throw await phoneTaken(principal, first?.[0] ?? '', first?.[1]);
        }
        throw err;
      }
      let after: CustomerRecord | undefined;
      try {
        const {
          id: _id,
          ownership: _o,
          createdAt: _c,
          updatedAt: _u,
          segmentation: _s,
          lastInteractionAt: _l,
          ...beforeWrite
        } = before;
        after = await customers.update(principal.scope, id, write, beforeWrite);
      } catch (err) {
        await customers.releasePhones(id, added);
        throw err;
      }
      if (!after) {
        await customers.releasePhones(id, added);
        throw customerNotFound();
      }
      await customers.releasePhones(id, removed);
      const changes = diffFields(auditSnapshot(before), auditSnapshot(after), CUSTOMER_AUDIT_FIELDS);
      if (changes.length) await audit.record(actor, 'update', 'customer', id, changes);
      // Occupation and region feed the property risk level.
      if (before.occupation !== after.occupation || before.region !== after.region) {
        const seg = await deps.segmentation.recompute(id);
        if (seg) after = { ...after, segmentation: seg };
      }
      if (before.referrerId !== after.referrerId) {
        for (const r of [before.referrerId, after.referrerId]) if (r) await deps.segmentation.recompute(r);
      }
      return customerDetail(after, principal);
    },

    async list(principal: Principal, query: ListCustomersQuery) {
      const { items, total } = await customers.list(principal.scope, await listFilter(principal, query), {
        skip: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
      });
      return {
        items: items.map((c) => customerSummary(c, principal)),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },

    /** The list as xlsx/csv: the same filter and scope as `list`, all pages (see customer.export.ts). */
    async export(
      actor: Actor,
      query: Omit<ListCustomersQuery, 'page' | 'pageSize'>,
      opts: { format: ExportFormat; revealIdNumber: boolean; batchSize?: number },
    ) {
      const { principal } = actor;
      const filter = await listFilter(principal, query);
      return exportCustomers(
        {
          list: (f, page) => customers.list(principal.scope, f, page),
          pii,
          audit,
          users: deps.users,
        },
        actor,
        filter,
        opts,
      );
    },

    /** The 360° view in one response. `revealIdNumber` decrypts the ID number for allowed roles and audits it. */
    async view360(actor: Actor, id: string, opts: { revealIdNumber: boolean }) {
      const { principal } = actor;
      const c = await get(principal, id);
      let idNumberPlain: string | undefined;
      if (opts.revealIdNumber && c.idNumberEnc) {
        if (!maySeeIdNumber(principal, c)) {
          throw new AppError('FORBIDDEN', 'role may not see unmasked id numbers', {
            userMessage: '只有归属顾问和管理员可以查看完整身份证号',
          });
        }
        idNumberPlain = pii.decrypt(c.idNumberEnc);
        await audit.record(actor, 'pii.read', 'customer', c.id, [], 'idNumber');
      }
      const now = deps.clock();
      const scope = principal.scope;
      const [policies, claims, interactions, openTasks, openTickets, owner, related] = await Promise.all([
        deps.policies.listForCustomer(scope, id),
        deps.claims.listForCustomer(scope, id),
        deps.interactions.listForCustomer(scope, id, 5),
        deps.tasks.openForCustomer(scope, id),
        deps.tickets.openForCustomer(scope, id),
        deps.users.findUserById(c.ownership.ownerId),
        customers.findByIds(scope, [
          ...(c.referrerId ? [c.referrerId] : []),
          ...c.family.flatMap((f) => (f.linkedCustomerId ? [f.linkedCustomerId] : [])),
        ]),
      ]);
      const names = new Map(related.map((r) => [r.id, r.name]));
      return {
        customer: customerDetail(c, principal, idNumberPlain),
        owner: owner ? { id: owner.id, name: owner.name } : null,
        referrer:
          c.referrerId && names.has(c.referrerId)
            ? { id: c.referrerId, name: names.get(c.referrerId) }
            : null,
        family: c.family.map((f) => ({
          ...f,
          linkedCustomerName: f.linkedCustomerId ? names.get(f.linkedCustomerId) : undefined,
        })),
        policies: policies.map((p) => policyView(p, now)),
        claims: claims.map(claimView),
        recentInteractions: interactions.map(interactionView),
        openTasks: openTasks.map((t) => taskView(t, now)),
        openTickets: openTickets.map((t) => ticketView(t, now)),
        tags: c.tags,
        segmentation: c.segmentation ?? null,
      };
    },

    /** Interactions merged with claim and policy events and archived WeCom chats, newest first. */
    async timeline(principal: Principal, id: string, opts: { limit: number; before?: Date | undefined }) {
      // The scoped read is the permission for the chats: they belong to a customer the caller may see.
      const customer = await get(principal, id);
      const [interactions, events, chats] = await Promise.all([
        deps.interactions.listForCustomer(principal.scope, id, opts.limit, opts.before),
        deps.events.listForCustomer(principal.scope, id, opts.limit, opts.before),
        deps.chatArchive ? deps.chatArchive.messagesForCustomer(customer, opts) : [],
      ]);
      const items = [
        ...interactions.map((i) => ({
          kind: 'interaction' as const,
          at: i.occurredAt,
          title: `${INTERACTION_TYPE_LABELS[i.type]}：${i.summary.slice(0, 60)}`,
          refId: i.id,
          detail: {
            type: i.type,
            summary: i.summary,
            tags: i.tags,
            agentId: i.agentId,
            nextFollowUpDate: i.nextFollowUpDate,
          } as Record<string, unknown>,
        })),
        ...events.map((e) => ({
          kind: e.aggregateType,
          at: e.occurredAt,
          title: eventTitle(e.type, e.payload),
          refId: e.aggregateId,
          detail: e.payload,
        })),
        ...chats.flatMap((m) =>
          m.msgtime
            ? [
                {
                  kind: 'chat' as const,
                  at: m.msgtime,
                  title: chatTitle(m),
                  refId: m.msgid,
                  detail: {
                    msgtype: m.msgtype,
                    action: m.action,
                    text: m.text,
                    fromStaff: m.fromStaff,
                    agentId: m.agentId,
                    group: Boolean(m.roomid),
                    complianceHits: m.hitCount,
                  } as Record<string, unknown>,
                },
              ]
            : [],
        ),
      ];
      items.sort((a, b) => b.at.getTime() - a.at.getTime() || (a.refId < b.refId ? 1 : -1));
      const page = items.slice(0, opts.limit);
      return { items: page, nextBefore: page.length === opts.limit ? page[page.length - 1]?.at : undefined };
    },
  };
}
export type CustomerService = ReturnType<typeof createCustomerService>;

const CHAT_TYPE_LABELS: Record<string, string> = {
  image: '[图片]',
  voice: '[语音]',
  video: '[视频]',
  file: '[文件]',
  link: '[链接]',
  weapp: '[小程序]',
  card: '[名片]',
  location: '[位置]',
  emotion: '[表情]',
  revoke: '[撤回了一条消息]',
};

/** 企业微信聊天（顾问→客户）：text, for the timeline of archived chat messages. */
function chatTitle(m: { fromStaff: boolean; text: string | undefined; msgtype: string | undefined }): string {
  const who = m.fromStaff ? '顾问' : '客户';
  const body = m.text?.slice(0, 60) ?? CHAT_TYPE_LABELS[m.msgtype ?? ''] ?? `[${m.msgtype ?? '消息'}]`;
  return `企业微信聊天（${who}）：${body}`;
}

function eventTitle(type: string, payload: Record<string, unknown>): string {
  const str = (k: string) => (typeof payload[k] === 'string' ? (payload[k] as string) : '');
  switch (type) {
    case 'claim.reported':
      return `理赔报案 ${str('number')}`;
    case 'claim.transitioned': {
      const to = str('to') as keyof typeof CLAIM_STATUS_LABELS;
      return `理赔 ${str('number')} → ${CLAIM_STATUS_LABELS[to] ?? to}`;
    }
    case 'policy.created':
      return `新保单 ${str('insurer')} ${str('product')}（${str('number')}）`;
    case 'policy.status_changed':
      return `保单 ${str('number')} 状态变更为 ${str('to')}`;
    default:
      return type;
  }
}
