import { parseStringPromise } from 'xml2js';
import { AppError } from '../errors.js';
import { CALLBACK_LIBRARY_CODES } from './wecom.errors.js';

// Typed forms of the callback XML (path/90239 messages, path/90240 events, path/92130 customer contact).
// Every value stays a string as it arrived except CreateTime; MsgId in particular exceeds 2^53.

interface Common {
  toUserName: string;
  fromUserName: string;
  /** Epoch seconds. */
  createTime: number;
  agentId: string | undefined;
}

export interface TextMessage extends Common {
  kind: 'text';
  msgId: string;
  content: string;
}
export interface ImageMessage extends Common {
  kind: 'image';
  msgId: string;
  picUrl: string;
  mediaId: string;
}
export interface VoiceMessage extends Common {
  kind: 'voice';
  msgId: string;
  mediaId: string;
  format: string;
}
export interface VideoMessage extends Common {
  kind: 'video';
  msgId: string;
  mediaId: string;
  thumbMediaId: string;
}
export interface LocationMessage extends Common {
  kind: 'location';
  msgId: string;
  latitude: number;
  longitude: number;
  scale: number;
  label: string;
}
export interface LinkMessage extends Common {
  kind: 'link';
  msgId: string;
  title: string;
  description: string;
  url: string;
  picUrl: string;
}

interface EventCommon extends Common {
  kind: 'event';
  eventKey: string;
}
export interface EnterAgentEvent extends EventCommon {
  event: 'enter_agent';
}
export interface SubscribeEvent extends EventCommon {
  event: 'subscribe' | 'unsubscribe';
}
export interface LocationEvent extends EventCommon {
  event: 'LOCATION';
  latitude: number;
  longitude: number;
  precision: number;
}
/** `ChangeType` values of change_external_contact (path/92130). */
export type ExternalContactChange =
  | 'add_external_contact'
  | 'edit_external_contact'
  | 'add_half_external_contact'
  | 'del_external_contact'
  | 'del_follow_user'
  | 'transfer_fail';
export interface ChangeExternalContactEvent extends EventCommon {
  event: 'change_external_contact';
  changeType: ExternalContactChange | (string & {});
  /** The member (our staff) on the relationship. */
  userId: string;
  externalUserId: string;
  /** The `state` / customer_channel the contact came in through (lead channel). */
  state: string | undefined;
  welcomeCode: string | undefined;
  /** del_external_contact: DELETE_BY_TRANSFER when the customer was transferred away. */
  source: string | undefined;
  failReason: string | undefined;
}
export interface TemplateCardEvent extends EventCommon {
  event: 'template_card_event';
  taskId: string;
  cardType: string;
  responseCode: string;
  selectedItems: { questionKey: string; optionIds: string[] }[];
}
export interface MsgAuditNotifyEvent extends EventCommon {
  event: 'msgaudit_notify';
}
/** Any event Qibao has no typed form for yet; kept so nothing is lost. */
export interface OtherEvent extends EventCommon {
  event: 'other';
  name: string;
}
export type CallbackEvent =
  | EnterAgentEvent
  | SubscribeEvent
  | LocationEvent
  | ChangeExternalContactEvent
  | TemplateCardEvent
  | MsgAuditNotifyEvent
  | OtherEvent;

export interface OtherMessage extends Common {
  kind: 'other';
  msgType: string;
  msgId: string | undefined;
}

/** One callback, as handlers receive it. */
export type CallbackMessage =
  | TextMessage
  | ImageMessage
  | VoiceMessage
  | VideoMessage
  | LocationMessage
  | LinkMessage
  | CallbackEvent
  | OtherMessage;

/** The outer POST body: the encrypted payload and where it was addressed. */
export interface CallbackEnvelope {
  toUserName: string;
  agentId: string | undefined;
  encrypt: string;
}

type XmlValue = string | XmlNode | XmlValue[];
interface XmlNode {
  [key: string]: XmlValue;
}

function malformed(message: string, cause?: unknown): AppError {
  return new AppError('WECOM_CALLBACK_MALFORMED', message, {
    userMessage: '回调请求无效',
    details: { wecomCode: CALLBACK_LIBRARY_CODES.parseFailed },
    cause,
  });
}

async function parseXmlRoot(xml: string): Promise<XmlNode> {
  // WeCom sends no DTD; refusing one removes any entity games before the parser sees them.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw malformed('XML with a DTD refused');
  let parsed: unknown;
  try {
    parsed = await parseStringPromise(xml, { explicitArray: false, explicitRoot: true, trim: false });
  } catch (err) {
    throw malformed(`not XML: ${(err as Error).message}`, err);
  }
  const root = (parsed as { xml?: unknown } | null)?.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    throw malformed('no <xml> root element');
  return root as XmlNode;
}

const text = (node: XmlNode, key: string): string | undefined => {
  const v = node[key];
  return typeof v === 'string' ? v : undefined;
};
const required = (node: XmlNode, key: string): string => {
  const v = text(node, key);
  if (v === undefined) throw malformed(`missing <${key}>`);
  return v;
};
const asList = (v: XmlValue | undefined): XmlValue[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const num = (node: XmlNode, key: string): number => Number(text(node, key) ?? 'NaN');

/** Parses the outer POST body `<xml><ToUserName/><AgentID/><Encrypt/></xml>`. */
export async function parseEnvelope(xml: string): Promise<CallbackEnvelope> {
  const root = await parseXmlRoot(xml);
  return {
    toUserName: required(root, 'ToUserName'),
    agentId: text(root, 'AgentID'),
    encrypt: required(root, 'Encrypt'),
  };
}

/** Parses the decrypted message/event XML into its typed form. */
export async function parseCallbackMessage(xml: string): Promise<CallbackMessage> {
  const n = await parseXmlRoot(xml);
  const createTime = Number(required(n, 'CreateTime'));
  if (!Number.isSafeInteger(createTime)) throw malformed('CreateTime is not an integer');
  const common: Common = {
    toUserName: required(n, 'ToUserName'),
    fromUserName: required(n, 'FromUserName'),
    createTime,
    agentId: text(n, 'AgentID'),
  };
  const msgType = required(n, 'MsgType');
  switch (msgType) {
    case 'text':
      return { ...common, kind: 'text', msgId: required(n, 'MsgId'), content: text(n, 'Content') ?? '' };
    case 'image':
      return {
        ...common,
        kind: 'image',
        msgId: required(n, 'MsgId'),
        picUrl: text(n, 'PicUrl') ?? '',
        mediaId: text(n, 'MediaId') ?? '',
      };
    case 'voice':
      return {
        ...common,
        kind: 'voice',
        msgId: required(n, 'MsgId'),
        mediaId: text(n, 'MediaId') ?? '',
        format: text(n, 'Format') ?? '',
      };
    case 'video':
      return {
        ...common,
        kind: 'video',
        msgId: required(n, 'MsgId'),
        mediaId: text(n, 'MediaId') ?? '',
        thumbMediaId: text(n, 'ThumbMediaId') ?? '',
      };
    case 'location':
      return {
        ...common,
        kind: 'location',
        msgId: required(n, 'MsgId'),
        latitude: num(n, 'Location_X'),
        longitude: num(n, 'Location_Y'),
        scale: num(n, 'Scale'),
        label: text(n, 'Label') ?? '',
      };
    case 'link':
      return {
        ...common,
        kind: 'link',
        msgId: required(n, 'MsgId'),
        title: text(n, 'Title') ?? '',
        description: text(n, 'Description') ?? '',
        url: text(n, 'Url') ?? '',
        picUrl: text(n, 'PicUrl') ?? '',
      };
    case 'event':
      return parseEvent(n, common);
    default:
      return { ...common, kind: 'other', msgType, msgId: text(n, 'MsgId') };
  }
}

function parseEvent(n: XmlNode, common: Common): CallbackEvent {
  const base: EventCommon = { ...common, kind: 'event', eventKey: text(n, 'EventKey') ?? '' };
  const event = required(n, 'Event');
  switch (event) {
    case 'enter_agent':
    case 'msgaudit_notify':
      return { ...base, event };
    case 'subscribe':
    case 'unsubscribe':
      return { ...base, event };
    case 'LOCATION':
      return {
        ...base,
        event,
        latitude: num(n, 'Latitude'),
        longitude: num(n, 'Longitude'),
        precision: num(n, 'Precision'),
      };
    case 'change_external_contact':
      return {
        ...base,
        event,
        changeType: required(n, 'ChangeType'),
        userId: text(n, 'UserID') ?? '',
        externalUserId: text(n, 'ExternalUserID') ?? '',
        state: text(n, 'State') || undefined,
        welcomeCode: text(n, 'WelcomeCode') || undefined,
        source: text(n, 'Source') || undefined,
        failReason: text(n, 'FailReason') || undefined,
      };
    case 'template_card_event': {
      const items = n.SelectedItems;
      const selected = typeof items === 'object' && !Array.isArray(items) ? asList(items.SelectedItem) : [];
      return {
        ...base,
        event,
        taskId: text(n, 'TaskId') ?? '',
        cardType: text(n, 'CardType') ?? '',
        responseCode: text(n, 'ResponseCode') ?? '',
        selectedItems: selected.flatMap((item) => {
          if (typeof item !== 'object' || Array.isArray(item)) return [];
          const ids = item.OptionIds;
          const optionIds =
            typeof ids === 'object' && !Array.isArray(ids)
              ? asList(ids.OptionId).filter((v): v is string => typeof v === 'string')
              : [];
          return [{ questionKey: text(item, 'QuestionKey') ?? '', optionIds }];
        }),
      };
    }
    default:
      return { ...base, event: 'other', name: event };
  }
}

/**
 * The idempotency key WeCom's retries collapse onto: MsgId for messages; for events the official
 * FromUserName + CreateTime, plus the event's identifying fields, because customer-contact events all
 * come from `sys` and two customers added in the same second must not be merged.
 */
export function dedupeKeyOf(m: CallbackMessage): string {
  if (m.kind !== 'event')
    return m.msgId ? `msg:${m.msgId}` : `msg:${m.fromUserName}:${m.createTime}:${m.kind}`;
  const parts = [m.fromUserName, String(m.createTime), m.event === 'other' ? m.name : m.event];
  if (m.event === 'change_external_contact') parts.push(m.changeType, m.userId, m.externalUserId);
  if (m.event === 'template_card_event') parts.push(m.taskId, m.responseCode);
  if (m.eventKey) parts.push(m.eventKey);
  return `event:${parts.join(':')}`;
}

/** A short label for logs and the inspector: `text`, `event:change_external_contact/add_external_contact`. */
export function typeLabel(m: CallbackMessage): string {
  if (m.kind === 'other') return `other:${m.msgType}`;
  if (m.kind !== 'event') return m.kind;
  if (m.event === 'other') return `event:${m.name}`;
  if (m.event === 'change_external_contact') return `event:${m.event}/${m.changeType}`;
  return `event:${m.event}`;
}

/** Wraps text in CDATA, splitting any `]]>` so the text survives unchanged. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** The plaintext XML of a passive text reply (path/90241): parties swapped, content ≤ 2048 bytes. */
export function textReplyXml(opts: {
  toUser: string;
  corpId: string;
  createTime: number;
  content: string;
}): string {
  return (
    `<xml><ToUserName>${cdata(opts.toUser)}</ToUserName><FromUserName>${cdata(opts.corpId)}</FromUserName>` +
    `<CreateTime>${opts.createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content>${cdata(opts.content)}</Content></xml>`
  );
}
