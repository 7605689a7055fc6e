import type { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import type { UserRepository } from '../user/user.repository.js';
import { textMessage } from './builders.js';
import type { ChangeExternalContactEvent } from './callback-messages.js';
import type { CallbackRegistry } from './callback.dispatcher.js';
import type { WecomClient } from './wecom.client.js';
import type { WecomModels } from './wecom.model.js';

/** Lead source channels (product.md §2) that a contact's `State` can name. */
export const STATE_CHANNELS: Record<string, string> = {
  web: '官网',
  mp: '公众号',
  miniprogram: '小程序',
  ad: '广告',
  referral: '转介绍',
  event: '活动',
  qr: '企微扫码',
  import: '导入',
};
const DEFAULT_CHANNEL = '企微扫码';

/**
 * The lead channel a contact came in through. Qibao's contact-me QR codes and acquisition links carry
 * `state` = `<channel>` or `<channel>_<campaign>` (state is ≤ 30 chars of [A-Za-z0-9_-]); anything else,
 * or no state at all, means the customer added the agent in WeCom directly (企微扫码).
 */
export function channelFromState(state: string | undefined): string {
  if (!state) return DEFAULT_CHANNEL;
  const prefix = state.split(/[_:-]/, 1)[0]?.toLowerCase() ?? '';
  return STATE_CHANNELS[prefix] ?? DEFAULT_CHANNEL;
}

/** One customer ↔ member relationship as WeCom reported it. */
export interface ExternalContactRecord {
  id: string;
  corpId: string;
  externalUserId: string;
  userId: string;
  status: 'active' | 'deleted_by_customer' | 'deleted_by_member';
  state: string | undefined;
  channel: string | undefined;
  /** From externalcontact/get (may lag the event by a retry). */
  name: string | undefined;
  unionid: string | undefined;
  addedAt: Date | undefined;
  removedAt: Date | undefined;
}

interface ContactLean {
  _id: Types.ObjectId;
  corpId: string;
  externalUserId: string;
  userId: string;
  status: ExternalContactRecord['status'];
  state?: string | null;
  channel?: string | null;
  name?: string | null;
  unionid?: string | null;
  addedAt?: Date | null;
  removedAt?: Date | null;
}
const toRecord = (d: ContactLean): ExternalContactRecord => ({
  id: d._id.toString(),
  corpId: d.corpId,
  externalUserId: d.externalUserId,
  userId: d.userId,
  status: d.status,
  state: d.state ?? undefined,
  channel: d.channel ?? undefined,
  name: d.name ?? undefined,
  unionid: d.unionid ?? undefined,
  addedAt: d.addedAt ?? undefined,
  removedAt: d.removedAt ?? undefined,
});

/** Data access for the external-contact edges of the identity graph. */
export function createExternalContactRepository(models: Pick<WecomModels, 'WecomExternalContact'>) {
  const { WecomExternalContact } = models;
  return {
    async upsert(input: {
      corpId: string;
      externalUserId: string;
      userId: string;
      status: ExternalContactRecord['status'];
      state?: string | undefined;
      channel?: string | undefined;
      at: Date;
    }): Promise<ExternalContactRecord> {
      const key = { corpId: input.corpId, externalUserId: input.externalUserId, userId: input.userId };
      const set: Record<string, unknown> = { status: input.status };
      if (input.status === 'active') {
        set.addedAt = input.at;
        if (input.state !== undefined) set.state = input.state;
        if (input.channel !== undefined) set.channel = input.channel;
      } else {
        set.removedAt = input.at;
      }
      const d = await WecomExternalContact.findOneAndUpdate(
        key,
        { $set: set, $setOnInsert: key },
        { upsert: true, returnDocument: 'after' },
      ).lean<ContactLean>();
      return toRecord(d as ContactLean);
    },
    /** Stores the customer's profile on every edge to them. */
    async setProfile(
      corpId: string,
      externalUserId: string,
      profile: { name?: string | undefined; unionid?: string | undefined; contactType?: number | undefined },
    ): Promise<void> {
      const set = Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined));
      if (Object.keys(set).length > 0)
        await WecomExternalContact.updateMany({ corpId, externalUserId }, { $set: set });
    },
    async listByExternalUser(corpId: string, externalUserId: string): Promise<ExternalContactRecord[]> {
      const docs = await WecomExternalContact.find({ corpId, externalUserId })
        .limit(500)
        .lean<ContactLean[]>();
      return docs.map(toRecord);
    },
  };
}
export type ExternalContactRepository = ReturnType<typeof createExternalContactRepository>;

/** What other domains plug in: lead intake (issue "leads") and identity linking (customers). */
export interface ContactEventPorts {
  /** A customer added a member: create or update the lead / link the customer. */
  onContactAdded?: (input: {
    externalUserId: string;
    userId: string;
    state: string | undefined;
    channel: string;
    welcomeCode: string | undefined;
  }) => Promise<void>;
  /** The relationship ended, from either side. */
  onContactRemoved?: (input: {
    externalUserId: string;
    userId: string;
    by: 'customer' | 'member';
  }) => Promise<void>;
  /** Raised when a customer deletes an agent. Default: an app message to the agent's team lead(s). */
  alertCustomerDeletedAgent?: (input: { externalUserId: string; userId: string }) => Promise<void>;
}

/**
 * Registers the customer-contact handlers: add_external_contact / del_external_contact /
 * del_follow_user keep the external-contact edges current, feed lead intake with the channel from
 * `State`, and alert when a customer deletes an agent.
 */
export function registerContactEventHandlers(deps: {
  registry: CallbackRegistry;
  contacts: ExternalContactRepository;
  corpId: string;
  users: UserRepository;
  client: () => WecomClient | undefined;
  logger: Logger;
  clock: () => Date;
  ports?: ContactEventPorts;
}): void {
  const ports = deps.ports ?? {};

  async function defaultAlert(input: { externalUserId: string; userId: string }): Promise<void> {
    const agent = await deps.users.findUserByWecomId(input.userId);
    const leads = agent?.teamId
      ? (
          await deps.users.listUsers(
            { role: 'team_lead', teamId: agent.teamId, active: true },
            { skip: 0, limit: 20 },
          )
        ).items
      : [];
    const client = deps.client();
    const log = deps.logger.child({ component: 'wecom-contacts' });
    if (!client || leads.length === 0) {
      log.warn(
        { userId: input.userId, leads: leads.length },
        'customer deleted an agent; no team lead to alert',
      );
      return;
    }
    const name = agent?.name ?? input.userId;
    await client.sendMessage(
      { toUser: leads.map((l) => l.wecomUserId) },
      textMessage(
        `【客户流失提醒】一位客户已将业务员 ${name} 从企业微信好友中删除（客户ID 尾号 ${input.externalUserId.slice(-6)}）。` +
          '请尽快了解原因，必要时安排其他同事跟进。',
      ),
    );
    log.info({ userId: input.userId, leads: leads.length }, 'customer-deleted-agent alert sent');
  }

  const at = () => deps.clock();
  deps.registry.onEvent(
    'change_external_contact',
    'wecom.contacts',
    async (e: ChangeExternalContactEvent) => {
      if (!e.externalUserId || !e.userId) return;
      const ids = { externalUserId: e.externalUserId, userId: e.userId };
      switch (e.changeType) {
        case 'add_external_contact':
        case 'edit_external_contact': {
          const channel = channelFromState(e.state);
          await deps.contacts.upsert({
            corpId: deps.corpId,
            ...ids,
            status: 'active',
            state: e.state,
            channel,
            at: at(),
          });
          if (e.changeType === 'add_external_contact') {
            await ports.onContactAdded?.({ ...ids, state: e.state, channel, welcomeCode: e.welcomeCode });
          }
          return;
        }
        case 'del_external_contact':
          await deps.contacts.upsert({ corpId: deps.corpId, ...ids, status: 'deleted_by_member', at: at() });
          await ports.onContactRemoved?.({ ...ids, by: 'member' });
          return;
        case 'del_follow_user':
          await deps.contacts.upsert({
            corpId: deps.corpId,
            ...ids,
            status: 'deleted_by_customer',
            at: at(),
          });
          await ports.onContactRemoved?.({ ...ids, by: 'customer' });
          return;
        default:
          return;
      }
    },
  );
  // The customer's name and unionid (the key that joins a WeCom contact to a mini-program user).
  // A handler of its own: WeCom being briefly unavailable retries this, not the bookkeeping above.
  deps.registry.onEvent(
    'change_external_contact',
    'wecom.contacts.profile',
    async (e) => {
      const client = deps.client();
      if (!client || !e.externalUserId) return;
      const res = await client.getExternalContact(e.externalUserId);
      const c = (res.external_contact ?? {}) as { name?: unknown; unionid?: unknown; type?: unknown };
      await deps.contacts.setProfile(deps.corpId, e.externalUserId, {
        name: typeof c.name === 'string' ? c.name : undefined,
        unionid: typeof c.unionid === 'string' ? c.unionid : undefined,
        contactType: typeof c.type === 'number' ? c.type : undefined,
      });
    },
    { changeType: 'add_external_contact' },
  );
  // A handler of its own, so a failed alert is retried without redoing the bookkeeping above.
  deps.registry.onEvent(
    'change_external_contact',
    'wecom.contacts.alert',
    async (e) => {
      if (e.externalUserId && e.userId) {
        await (ports.alertCustomerDeletedAgent ?? defaultAlert)({
          externalUserId: e.externalUserId,
          userId: e.userId,
        });
      }
    },
    { changeType: 'del_follow_user' },
  );
}
