import type { Actor } from '#core/audit/audit.service';
import { scopeFor, type StaffPrincipal } from '#core/auth/scope';
import { CLAIM_STATUS_LABELS, isOpenClaim } from '#core/claim/claim.status';
import { addDays, daysBetween, shanghaiDate } from '#core/customer/business-date';
import type { CustomerSummary } from '#core/customer/customer.view';
import type { Database } from '#core/db/database';
import { createDigestService } from '#core/digest/digest.service';
import { AppError } from '#core/errors';
import { INTERACTION_TYPE_LABELS } from '#core/interaction/interaction.view';
import { silentLogger, type Logger } from '#core/logger';
import type { Services } from '#core/services';
import type { UserRecord } from '#core/user/user.repository';
import { botModels, createBindingStore, createPendingStore, createTurnStore } from './bot.store.js';
import { describeDate } from './parse/dates.js';
import { parseIntent } from './parse/intent.js';
import { cardReply, clip, helpText, markdown, text, TIER_LABELS } from './replies.js';
import type { BotIdentity, BotReply, CustomerRef, Intent } from './types.js';

export interface BotDeps {
  services: Services;
  db: Database;
  clock: () => Date;
  logger?: Logger;
  /** How long a numbered list waits for the agent's `2` (default 10 minutes). */
  pendingTtlMs?: number;
}

/** What a numbered list was for; completed with the picked customer. */
type PendingAction =
  | { kind: 'query'; focus: 'card' | 'policies' }
  | { kind: 'claims' }
  | { kind: 'log'; intent: Extract<Intent, { kind: 'log' }> }
  | { kind: 'referrer'; intent: Extract<Intent, { kind: 'new_customer' }> };

export const REFUSAL =
  '您好，这个企业微信账号还没有开通企保助手（未绑定企保系统用户），暂时无法为您服务。如需开通，请联系管理员。';
const LIST_MAX = 8;
// Card buttons carry `<action>:<customerId>`; the customer is re-read in the clicker's scope.
const BUTTON_KEY = /^qb:(contacted|remind):([0-9a-f]{24})$/;

/**
 * The conversation engine: one sentence from a Qibao user in, replies out. Transport-independent (WeCom
 * callback, wechaty, terminal); every domain call runs with the user's own StaffPrincipal, so the bot can
 * never show or touch a customer outside their data scope.
 */
export function createBot(deps: BotDeps) {
  const { services, clock } = deps;
  const log = (deps.logger ?? silentLogger()).child({ component: 'bot' });
  const models = botModels(deps.db.connection);
  const pending = createPendingStore(models, clock, deps.pendingTtlMs ?? 10 * 60_000);
  const turns = createTurnStore(models);
  const bindings = createBindingStore(models);
  const indexes = Promise.all(Object.values(models).map((m) => m.createIndexes()));
  // The digest is composed here on demand; sending it daily stays with the jobs worker.
  const digest = createDigestService({
    models: deps.db.models,
    users: services.repositories.users,
    outbox: {
      enqueue: () => Promise.reject(new Error('the bot composes digests on demand and never enqueues them')),
    },
    clock,
  });

  async function resolveUser(who: BotIdentity): Promise<UserRecord | undefined> {
    const users = services.repositories.users;
    let user: UserRecord | undefined;
    if (who.via === 'wecom') user = await users.findUserByWecomId(who.wecomUserId);
    else if (who.via === 'user') {
      user = /^[0-9a-f]{24}$/.test(who.userId)
        ? await users.findUserById(who.userId)
        : await users.findUserByWecomId(who.userId);
    } else {
      const id = await bindings.userIdFor(who.contactId);
      user = id ? await users.findUserById(id) : undefined;
    }
    return user?.active ? user : undefined;
  }

  function principalOf(user: UserRecord): StaffPrincipal | undefined {
    try {
      return { kind: 'staff', userId: user.id, role: user.role, scope: scopeFor(user) };
    } catch {
      return undefined;
    }
  }

  const actorOf = (principal: StaffPrincipal): Actor => ({ principal, origin: { source: 'bot' } });

  const refLabel = (ref: CustomerRef): string => {
    switch (ref.by) {
      case 'name':
        return `「${ref.name}」`;
      case 'phone':
        return `手机号尾号${ref.digits.slice(-4)}`;
      case 'last4':
        return `手机尾号${ref.digits}`;
      case 'policy':
        return `保单号${ref.number}`;
    }
  };

  /** Customers matching a reference, inside the principal's scope; exact names first. */
  async function findCustomers(principal: StaffPrincipal, ref: CustomerRef): Promise<CustomerSummary[]> {
    const q = ref.by === 'name' ? ref.name : ref.by === 'policy' ? ref.number : ref.digits;
    const { items } = await services.customers.list(principal, { q: q.slice(0, 40), page: 1, pageSize: 20 });
    if (ref.by === 'name') {
      const exact = items.filter((c) => c.name === ref.name);
      if (exact.length) return exact;
    }
    return items;
  }

  const candidateLabel = (c: CustomerSummary): string => {
    const phone = c.phones[0]?.number.slice(-4);
    const tier = c.segmentation ? TIER_LABELS[c.segmentation.tier] : undefined;
    return [c.name, phone ? `尾号${phone}` : undefined, c.region, tier].filter(Boolean).join(' · ');
  };

  /** One customer → `act`; none → a reply that reveals nothing; several → a numbered list. */
  async function withCustomer(
    user: UserRecord,
    principal: StaffPrincipal,
    ref: CustomerRef,
    understood: string,
    action: PendingAction,
    act: (customerId: string) => Promise<BotReply[]>,
  ): Promise<BotReply[]> {
    const found = await findCustomers(principal, ref);
    if (found.length === 0) {
      return [
        text(
          `${understood}\n没有找到${refLabel(ref)}对应的客户（只在您有权查看的客户中查找）。可以换成手机号或尾号再试，例如：查 1234`,
        ),
      ];
    }
    if (found.length === 1 && found[0]) return act(found[0].id);
    const shown = found.slice(0, LIST_MAX);
    await pending.put(
      user.id,
      action,
      shown.map((c) => ({ id: c.id, label: candidateLabel(c) })),
    );
    const lines = shown.map((c, i) => `${i + 1}. ${candidateLabel(c)}`);
    const more =
      found.length > LIST_MAX ? `\n（还有 ${found.length - LIST_MAX} 位未列出，请用手机号缩小范围）` : '';
    return [
      text(
        `${understood}\n找到 ${found.length} 位匹配的客户，请回复序号选择：\n${lines.join('\n')}${more}\n（回复「取消」放弃，10 分钟内有效）`,
      ),
    ];
  }

  async function customerCard(
    principal: StaffPrincipal,
    id: string,
    focus: 'card' | 'policies',
  ): Promise<BotReply[]> {
    const v = await services.customers.view360(actorOf(principal), id, { revealIdNumber: false });
    return [cardReply(v, focus, clock())];
  }

  async function claimsFor(principal: StaffPrincipal, id: string): Promise<BotReply[]> {
    const v = await services.customers.view360(actorOf(principal), id, { revealIdNumber: false });
    if (v.claims.length === 0)
      return [text(`已理解：查询「${v.customer.name}」的理赔\n${v.customer.name} 没有理赔记录。`)];
    const blocks = v.claims.slice(0, 3).map((c) => {
      const steps = c.timeline
        .slice(-4)
        .map(
          (t) =>
            `  ${shanghaiDate(t.at).slice(5)} ${CLAIM_STATUS_LABELS[t.to]}${t.note ? `（${t.note.slice(0, 30)}）` : ''}`,
        );
      return `• ${c.number} ${c.statusLabel}，申请 ${c.amountClaimed} 元${c.amountPaid !== undefined ? `，已赔 ${c.amountPaid} 元` : ''}\n${steps.join('\n')}`;
    });
    return [
      text(
        clip(
          `已理解：查询「${v.customer.name}」的理赔\n${blocks.join('\n')}${v.claims.length > 3 ? `\n另有 ${v.claims.length - 3} 件更早的理赔` : ''}`,
        ),
      ),
    ];
  }

  async function logInteraction(
    principal: StaffPrincipal,
    customerId: string,
    intent: Extract<Intent, { kind: 'log' }>,
  ): Promise<BotReply[]> {
    const actor = actorOf(principal);
    const today = shanghaiDate(clock());
    // A follow-up in the past (上周二…) is history, not a task; 今天 alone describes the contact itself.
    const f = intent.followUp;
    const follow = f && (f.date > today || (f.date === today && f.time)) ? f : undefined;
    const customer = await services.customers.get(principal, customerId);
    const created = await services.interactions.create(actor, {
      customerId,
      type: intent.type,
      summary: intent.summary,
      tags: intent.needs,
      ...(follow
        ? {
            nextFollowUpDate: follow.date,
            followUpTitle: `跟进客户 ${customer.name}${follow.time ? `（${follow.time}）` : ''}`,
          }
        : {}),
    });
    if (intent.needs.length) {
      // Soft info keeps the sentence behind the tags, newest last, within the field's 2000 characters.
      const line = `${today} ${intent.needs.join('、')}：${intent.summary.slice(0, 120)}`;
      const notes = customer.softInfo.notes ? `${customer.softInfo.notes}\n${line}` : line;
      await services.customers.update(actor, customerId, {
        softInfo: {
          notes: notes.slice(-2000),
          tags: [...new Set([...customer.softInfo.tags, ...intent.needs])],
        },
      });
    }
    const parts = [`已记录：${customer.name}，${INTERACTION_TYPE_LABELS[intent.type]}`];
    if (intent.needs.length) parts.push(`需求：${intent.needs.join('、')}`);
    if (created.followUpTask)
      parts.push(
        `${describeDate(created.followUpTask.dueDate)}${follow?.time ? ` ${follow.time}` : ''}跟进（已建待办）`,
      );
    const notes: string[] = [];
    if (!intent.typeWord) notes.push('未写沟通方式，按「电话」记录');
    if (f && !follow) notes.push(`「${f.text}」不在今天之后，未建跟进待办`);
    return [
      text(
        clip(
          `${parts.join('，')}\n内容：${intent.summary.slice(0, 200)}${notes.length ? `\n（${notes.join('；')}）` : ''}`,
        ),
      ),
    ];
  }

  /**
   * 新客户/线索: through issue 4's lead intake (dedupe against customers and leads by phone, grading,
   * assignment to the agent), with the referrer as a customer of the agent's scope.
   */
  async function createLead(
    principal: StaffPrincipal,
    intent: Extract<Intent, { kind: 'new_customer' }>,
    referrer: { id: string; name: string } | undefined,
  ): Promise<BotReply[]> {
    const understood = `已理解：新客户「${intent.name}」${intent.phone ? `，手机尾号${intent.phone.slice(-4)}` : ''}${referrer ? `，转介绍人「${referrer.name}」` : ''}`;
    if (!intent.phone) {
      return [
        text(
          `${understood}\n新线索需要手机号才能去重和跟进，请这样发：新客户 ${intent.name} 13900001111${referrer ? ` 转介绍 ${referrer.name}` : ''}`,
        ),
      ];
    }
    const out = await services.leads.create(actorOf(principal), {
      name: intent.name,
      phone: `+86${intent.phone}`,
      source: referrer || intent.channel ? '转介绍' : '其他',
      ...(referrer ? { referrerName: referrer.name, referrerCustomerId: referrer.id } : {}),
    });
    switch (out.outcome) {
      case 'created':
        return [
          text(
            `${understood}\n已创建线索「${out.lead.name ?? intent.name}」（${out.lead.grade} 级）${referrer ? '，转介绍人已关联' : ''}，已分配给您跟进。`,
          ),
        ];
      case 'merged':
        return [
          text(
            `${understood}\n该手机号的线索已存在，未重复创建：新信息已合并到原线索（${out.lead.grade} 级）。`,
          ),
        ];
      case 'existing_customer': {
        // Name the customer only when the agent may open them.
        const mine = await services.customers.get(principal, out.customerId).catch(() => undefined);
        return [
          text(
            mine
              ? `${understood}\n该手机号已是您的客户「${mine.name}」，未新建线索。回复「查 ${intent.phone}」查看。`
              : `${understood}\n该手机号已是其他顾问的客户，未新建线索，已提醒归属顾问跟进。`,
          ),
        ];
      }
    }
  }

  async function tasksToday(principal: StaffPrincipal): Promise<BotReply[]> {
    const [today, overdue] = await Promise.all([
      services.tasks.list(principal, { due: 'today', status: 'open', page: 1, pageSize: 20 }),
      services.tasks.list(principal, { due: 'overdue', status: 'open', page: 1, pageSize: 20 }),
    ]);
    if (today.total + overdue.total === 0)
      return [text('已理解：今天的待办\n今天没有待办，也没有逾期事项 👍')];
    const line = (t: (typeof today.items)[number]) =>
      `• ${t.title}${t.overdue ? `（逾期，${t.dueDate.slice(5)}）` : ''}`;
    const out = [`已理解：今天的待办（今日 ${today.total} 项，逾期 ${overdue.total} 项）`];
    if (overdue.items.length) out.push('【逾期】', ...overdue.items.slice(0, 10).map(line));
    if (today.items.length) out.push('【今天】', ...today.items.slice(0, 10).map(line));
    return [text(clip(out.join('\n')))];
  }

  async function renewals(principal: StaffPrincipal, range: 'soon' | 'month'): Promise<BotReply[]> {
    const now = clock();
    const today = shanghaiDate(now);
    const [y, m] = today.split('-').map(Number);
    const monthEnd = new Date(Date.UTC(y ?? 1970, m ?? 1, 0)).toISOString().slice(0, 10);
    const days = range === 'month' ? daysBetween(today, monthEnd) : 30;
    const { items, total } = await services.policies.list(principal, {
      expiringWithinDays: days,
      status: 'in_force',
      page: 1,
      pageSize: 15,
    });
    const what = range === 'month' ? `本月（至${monthEnd.slice(5)}）到期的保单` : '30 天内到期的保单';
    if (total === 0) return [text(`已理解：${what}\n没有需要续保的保单。`)];
    const ids = [...new Set(items.map((p) => p.customerId))];
    const names = new Map(
      (
        await Promise.all(ids.map((id) => services.customers.get(principal, id).catch(() => undefined)))
      ).flatMap((c) => (c ? [[c.id, c.name] as const] : [])),
    );
    const lines = items.map(
      (p) =>
        `• ${names.get(p.customerId) ?? '客户'}《${p.product}》${p.daysToExpiry} 天后到期（${p.expiryDate.slice(5)}）`,
    );
    return [
      text(
        clip(
          `已理解：${what}，共 ${total} 单\n${lines.join('\n')}${total > items.length ? `\n……另有 ${total - items.length} 单` : ''}`,
        ),
      ),
    ];
  }

  async function myOpenClaims(principal: StaffPrincipal): Promise<BotReply[]> {
    const { items } = await services.claims.list(principal, { page: 1, pageSize: 50 });
    const open = items.filter((c) => isOpenClaim(c.status)).slice(0, 10);
    if (!open.length) return [text('已理解：查询进行中的理赔\n没有进行中的理赔。查某位客户请写：理赔 张三')];
    return [
      text(
        clip(
          `已理解：查询进行中的理赔（${open.length} 件）\n${open.map((c) => `• ${c.claimantName} ${c.number} ${c.statusLabel}`).join('\n')}\n查看时间线请写：理赔 客户姓名`,
        ),
      ),
    ];
  }

  async function digestFor(user: UserRecord, principal: StaffPrincipal): Promise<BotReply[]> {
    const scope = principal.scope;
    if (scope.level !== 'team' && scope.level !== 'branch') {
      return [text('已理解：日报\n日报面向团队主管和分部经理；您可以发「待办」查看自己今天的事项。')];
    }
    log.debug({ userId: user.id }, 'digest composed on demand');
    return [markdown(await digest.compose(scope, clock()))];
  }

  async function onPick(user: UserRecord, principal: StaffPrincipal, n: number): Promise<BotReply[]> {
    const p = await pending.get(user.id);
    if (!p)
      return [
        text(
          `已理解：选择第 ${n} 项\n当前没有待选择的列表（可能已超过 10 分钟）。请重新发送查询，例如：查 张三`,
        ),
      ];
    const chosen = p.candidates[n - 1];
    if (!chosen)
      return [
        text(`已理解：选择第 ${n} 项\n请回复 1 到 ${p.candidates.length} 之间的序号，或回复「取消」。`),
      ];
    await pending.clear(user.id);
    const action = p.action as PendingAction;
    // Re-read in the user's scope: the list was theirs, and the customer may have moved since.
    const still = await services.customers.get(principal, chosen.id).catch(() => undefined);
    if (!still) return [text('这位客户已不在您的客户范围内，请重新查询。')];
    switch (action.kind) {
      case 'query':
        return customerCard(principal, chosen.id, action.focus);
      case 'claims':
        return claimsFor(principal, chosen.id);
      case 'log':
        return logInteraction(principal, chosen.id, action.intent);
      case 'referrer':
        return createLead(principal, action.intent, { id: still.id, name: still.name });
    }
  }

  async function dispatch(user: UserRecord, principal: StaffPrincipal, intent: Intent): Promise<BotReply[]> {
    if (intent.kind !== 'pick') await pending.clear(user.id);
    switch (intent.kind) {
      case 'help':
        return [text(helpText(intent.reason, intent.hint))];
      case 'cancel':
        return [text('已取消。')];
      case 'pick':
        return onPick(user, principal, intent.n);
      case 'query': {
        const what = intent.focus === 'policies' ? '的保单' : '';
        return withCustomer(
          user,
          principal,
          intent.ref,
          `已理解：查询客户${refLabel(intent.ref)}${what}`,
          { kind: 'query', focus: intent.focus },
          (id) => customerCard(principal, id, intent.focus),
        );
      }
      case 'claims':
        if (!intent.ref) return myOpenClaims(principal);
        return withCustomer(
          user,
          principal,
          intent.ref,
          `已理解：查询${refLabel(intent.ref)}的理赔`,
          { kind: 'claims' },
          (id) => claimsFor(principal, id),
        );
      case 'log':
        return withCustomer(
          user,
          principal,
          intent.ref,
          `已理解：给${refLabel(intent.ref)}记录${INTERACTION_TYPE_LABELS[intent.type]}`,
          { kind: 'log', intent },
          (id) => logInteraction(principal, id, intent),
        );
      case 'new_customer':
        if (!intent.referrer) return createLead(principal, intent, undefined);
        return withCustomer(
          user,
          principal,
          intent.referrer,
          `已理解：新客户「${intent.name}」，请先确认转介绍人${refLabel(intent.referrer)}`,
          { kind: 'referrer', intent },
          async (id) => {
            const r = await services.customers.get(principal, id);
            return createLead(principal, intent, { id: r.id, name: r.name });
          },
        );
      case 'tasks':
        return tasksToday(principal);
      case 'renewals':
        return renewals(principal, intent.range);
      case 'digest':
        return digestFor(user, principal);
    }
  }

  /** Runs `work` for a known user, turning domain refusals into replies and anything else into an apology. */
  async function asUser(
    who: BotIdentity,
    work: (user: UserRecord, principal: StaffPrincipal) => Promise<BotReply[]>,
  ): Promise<BotReply[]> {
    const user = await resolveUser(who);
    const principal = user && principalOf(user);
    if (!user || !principal) return [text(REFUSAL)];
    try {
      return await work(user, principal);
    } catch (err) {
      if (err instanceof AppError) {
        log.info({ code: err.code, userId: user.id }, 'bot request refused by the domain');
        const details = Array.isArray(err.details)
          ? (err.details as { message?: unknown }[])
              .map((d) => (typeof d.message === 'string' ? d.message : ''))
              .filter(Boolean)
          : [];
        return [
          text(clip(`没能完成：${err.userMessage}${details.length ? `（${details.join('；')}）` : ''}`)),
        ];
      }
      log.error({ err, userId: user.id }, 'bot request failed');
      return [text('抱歉，处理这条消息时出错了，请稍后再试。')];
    }
  }

  return {
    /** Resolves once the bot's indexes exist. */
    ready: () => indexes.then(() => undefined),
    turns,
    bindings,
    resolveUser,

    /** One sentence → replies (always at least one, each within 2048 bytes). */
    async handle(who: BotIdentity, raw: string): Promise<BotReply[]> {
      return asUser(who, (user, principal) => dispatch(user, principal, parseIntent(raw, clock())));
    },

    /** A card button (template_card_event EventKey): 已联系 logs a contact, 明天提醒我 adds a task. */
    async handleCardClick(who: BotIdentity, key: string): Promise<BotReply[]> {
      return asUser(who, async (_user, principal) => {
        const m = BUTTON_KEY.exec(key);
        if (!m?.[1] || !m[2]) return [text('这个按钮已失效，请重新查询客户。')];
        const c = await services.customers.get(principal, m[2]);
        const actor = actorOf(principal);
        if (m[1] === 'contacted') {
          await services.interactions.create(actor, {
            customerId: c.id,
            type: 'call',
            summary: '已联系（企业微信卡片按钮）',
          });
          return [text(`已理解：标记「${c.name}」已联系\n已记录一次电话沟通。`)];
        }
        const due = addDays(shanghaiDate(clock()), 1);
        await services.tasks.create(actor, { title: `跟进客户 ${c.name}`, dueDate: due, customerId: c.id });
        return [text(`已理解：明天提醒我跟进「${c.name}」\n已建待办：${describeDate(due)}跟进 ${c.name}。`)];
      });
    },

    /** The refusal an unknown user gets (transports that cannot resolve anyone use it directly). */
    refusal: (): BotReply[] => [text(REFUSAL)],
  };
}
export type Bot = ReturnType<typeof createBot>;
