// The transports the outbox sends through. The WeCom/WeChat client (core/wecom) satisfies these;
// tests pass recording fakes. Every send carries the outbox row's dedupe key as an idempotency key.

/** An app message to one WeCom member (agent, team lead, manager) via message/send. */
export interface AgentAppMessage {
  toUser: string;
  format: 'text' | 'markdown' | 'template_card';
  text: string;
  card?: Record<string, unknown> | undefined;
  idempotencyKey: string;
}

/** A mini-program subscribe message to a customer (template configured by id and key names). */
export interface SubscribeMessage {
  openid: string;
  templateId: string;
  page?: string | undefined;
  data: Record<string, { value: string }>;
  idempotencyKey: string;
}

/** A WeCom customer message prepared with add_msg_template; the agent confirms it in WeCom. */
export interface CustomerWecomMessage {
  senderWecomUserId: string;
  externalUserId: string;
  text: string;
  idempotencyKey: string;
}

export interface ChannelResult {
  providerMsgId?: string | undefined;
}

/**
 * One customer's line of get_groupmsg_send_result: `awaiting` (status 0, or not listed yet), `sent`
 * by the agent at `deliveredAt` (1), `not_friend` (2), `customer_limit` (3).
 */
export type GroupSendResult =
  { state: 'awaiting' | 'not_friend' | 'customer_limit' } | { state: 'sent'; deliveredAt: Date | undefined };

/**
 * `resendSafe`: true when sending the same idempotency key twice reaches the person once (WeCom
 * message/send with enable_duplicate_check over an interval longer than the outbox lease). Only such
 * channels are resent after a worker dies mid-send; the others are flagged "outcome unknown".
 */
export interface NotificationChannels {
  agentApp?: { resendSafe: boolean; send(m: AgentAppMessage): Promise<ChannelResult> };
  subscribe?: { resendSafe: boolean; send(m: SubscribeMessage): Promise<ChannelResult> };
  customerWecom?: {
    resendSafe: boolean;
    prepare(m: CustomerWecomMessage): Promise<ChannelResult>;
    /** remind_groupmsg_send: nudges the agent to confirm a prepared message (≤ 3 per task in 24 h). */
    remind(msgId: string): Promise<void>;
    /** get_groupmsg_send_result for one customer of the agent's part of the task. */
    sendResult(q: {
      msgId: string;
      senderWecomUserId: string;
      externalUserId: string;
    }): Promise<GroupSendResult>;
  };
}

export type ChannelFailureKind = 'retryable' | 'rate_limited' | 'unsubscribed' | 'no_binding' | 'permanent';

/** A transport failure already classified by the adapter. */
export class ChannelError extends Error {
  constructor(
    readonly kind: ChannelFailureKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

// Tencent errcodes that decide what the outbox does next (see product.md §4 and wecom-protocol.md).
const ERRCODE_KIND: Record<number, ChannelFailureKind> = {
  [-1]: 'retryable', // system busy: back off and retry
  40001: 'retryable', // invalid credential: the client refreshes; if it still surfaces, retry later
  40014: 'retryable', // invalid access_token
  42001: 'retryable', // access_token expired
  45009: 'rate_limited', // API frequency ban window
  45033: 'rate_limited', // too many concurrent calls for this member
  43101: 'unsubscribed', // the customer has not subscribed (or used up a one-time subscription)
  40003: 'no_binding', // invalid userid / openid
  60111: 'no_binding', // userid not found
  81013: 'no_binding', // every recipient invalid
  84061: 'no_binding', // no external-contact relationship with this member
};

const APP_CODE_KIND: Record<string, ChannelFailureKind> = {
  WECHAT_NOT_SUBSCRIBED: 'unsubscribed',
  WECOM_INVALID_RECIPIENTS: 'no_binding',
  WECOM_RATE_LIMITED: 'rate_limited',
};

/** How the outbox should treat an error thrown by a channel. Unknown errors (network) are retryable. */
export function classifyChannelError(err: unknown): { kind: ChannelFailureKind; retryAfterMs?: number } {
  if (err instanceof ChannelError) {
    return err.retryAfterMs === undefined
      ? { kind: err.kind }
      : { kind: err.kind, retryAfterMs: err.retryAfterMs };
  }
  if (typeof err === 'object' && err !== null) {
    const { errcode, code } = err as { errcode?: unknown; code?: unknown };
    if (typeof errcode === 'number') return { kind: ERRCODE_KIND[errcode] ?? 'permanent' };
    if (typeof code === 'string' && APP_CODE_KIND[code]) return { kind: APP_CODE_KIND[code] };
  }
  return { kind: 'retryable' };
}
