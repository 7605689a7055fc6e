import { messageInvalid } from './wecom.errors.js';

// App-message builders (message/send, path/90236). Free text that WeCom would truncate is cut here, on
// a character boundary and with an ellipsis, so what the member sees is decided by us; fields that
// cannot be cut without breaking them (urls, keys, ids, button text) are refused instead.

export const TEXT_MAX_BYTES = 2048;
export const ELLIPSIS = '…';

/** UTF-8 byte length. */
export const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** Length in characters (code points, so a CJK character or an emoji counts once). */
export const charCount = (s: string) => [...s].length;

/**
 * `s` if it fits in `maxBytes` of UTF-8, else its longest prefix that fits together with the
 * ellipsis, never splitting a character.
 */
export function cutUtf8(s: string, maxBytes: number, ellipsis = ELLIPSIS): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  const budget = maxBytes - utf8Bytes(ellipsis);
  let used = 0;
  let out = '';
  for (const ch of s) {
    const b = utf8Bytes(ch);
    if (used + b > budget) break;
    used += b;
    out += ch;
  }
  return out + ellipsis;
}

/** `s` if it has at most `maxChars` characters, else its first `maxChars - 1` characters and the ellipsis. */
export function cutChars(s: string, maxChars: number, ellipsis = ELLIPSIS): string {
  const chars = [...s];
  if (chars.length <= maxChars) return s;
  return chars.slice(0, maxChars - charCount(ellipsis)).join('') + ellipsis;
}

export interface TextCard {
  title: string;
  description: string;
  url: string;
  btntxt?: string;
}

interface CardAction {
  type: 1 | 2;
  url?: string;
  appid?: string;
  pagepath?: string;
}
interface HorizontalContent {
  keyname: string;
  value?: string;
  type?: 0 | 1 | 2 | 3;
  url?: string;
  media_id?: string;
  userid?: string;
}
interface Jump {
  title: string;
  type?: 0 | 1 | 2;
  url?: string;
  appid?: string;
  pagepath?: string;
}
interface CommonCardParts {
  source?: { icon_url?: string; desc?: string; desc_color?: 0 | 1 | 2 | 3 };
  action_menu?: { desc?: string; action_list: { text: string; key: string }[] };
  main_title?: { title?: string; desc?: string };
  quote_area?: {
    type?: 0 | 1 | 2;
    url?: string;
    appid?: string;
    pagepath?: string;
    title?: string;
    quote_text?: string;
  };
  sub_title_text?: string;
  horizontal_content_list?: HorizontalContent[];
  card_action?: CardAction;
  task_id?: string;
}
export interface TextNoticeCard extends CommonCardParts {
  card_type: 'text_notice';
  emphasis_content?: { title?: string; desc?: string };
  jump_list?: Jump[];
  card_action: CardAction;
}
export interface ButtonInteractionCard extends CommonCardParts {
  card_type: 'button_interaction';
  main_title: { title: string; desc?: string };
  task_id: string;
  button_selection?: {
    question_key: string;
    title?: string;
    option_list: { id: string; text: string }[];
    selected_id?: string;
  };
  button_list: { text: string; style?: 1 | 2 | 3 | 4; type?: 0 | 1; key?: string; url?: string }[];
}
export type TemplateCard = TextNoticeCard | ButtonInteractionCard;

/** The msgtype-specific part of a message/send body. */
export type AppMessageBody =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'markdown'; markdown: { content: string } }
  | { msgtype: 'textcard'; textcard: TextCard }
  | { msgtype: 'template_card'; template_card: TemplateCard };

/** Text message; content cut to 2048 bytes. */
export function textMessage(content: string): AppMessageBody {
  if (content.trim() === '') throw messageInvalid('text.content', 'empty');
  return { msgtype: 'text', text: { content: cutUtf8(content, TEXT_MAX_BYTES) } };
}

/** Markdown message; content cut to 2048 bytes. */
export function markdownMessage(content: string): AppMessageBody {
  if (content.trim() === '') throw messageInvalid('markdown.content', 'empty');
  return { msgtype: 'markdown', markdown: { content: cutUtf8(content, TEXT_MAX_BYTES) } };
}

function checkUrl(field: string, url: string | undefined): string {
  if (!url) throw messageInvalid(field, 'required');
  if (!/^https?:\/\//i.test(url)) throw messageInvalid(field, 'must start with http:// or https://');
  if (utf8Bytes(url) > 2048) throw messageInvalid(field, 'longer than 2048 bytes');
  return url;
}

function checkBytes(field: string, value: string | undefined, max: number): string {
  if (!value) throw messageInvalid(field, 'required');
  if (utf8Bytes(value) > max) throw messageInvalid(field, `longer than ${max} bytes`);
  return value;
}

const TASK_ID = /^[0-9A-Za-z_\-@]+$/;

/** textcard: title ≤ 128 chars and description ≤ 512 chars (cut); url ≤ 2048 bytes and btntxt ≤ 4 chars (refused). */
export function textCardMessage(card: TextCard): AppMessageBody {
  if (!card.title.trim()) throw messageInvalid('textcard.title', 'required');
  if (!card.description.trim()) throw messageInvalid('textcard.description', 'required');
  const btntxt = card.btntxt;
  if (btntxt !== undefined && (btntxt === '' || charCount(btntxt) > 4)) {
    throw messageInvalid('textcard.btntxt', 'must be 1 to 4 characters');
  }
  return {
    msgtype: 'textcard',
    textcard: {
      title: cutChars(card.title, 128),
      description: cutChars(card.description, 512),
      url: checkUrl('textcard.url', card.url),
      ...(btntxt === undefined ? {} : { btntxt }),
    },
  };
}

function checkCardAction(field: string, a: CardAction): CardAction {
  if (a.type === 1) checkUrl(`${field}.url`, a.url);
  else if (a.type === 2) checkBytes(`${field}.appid`, a.appid, 128);
  else throw messageInvalid(`${field}.type`, 'must be 1 (url) or 2 (mini program)');
  return a;
}

function checkCommon(card: CommonCardParts): CommonCardParts {
  const out: CommonCardParts = { ...card };
  if (card.task_id !== undefined) {
    if (!TASK_ID.test(card.task_id) || utf8Bytes(card.task_id) > 128) {
      throw messageInvalid('template_card.task_id', 'only [0-9A-Za-z_-@], at most 128 bytes');
    }
  }
  if (card.source?.desc_color !== undefined && ![0, 1, 2, 3].includes(card.source.desc_color)) {
    throw messageInvalid('template_card.source.desc_color', 'must be 0 to 3');
  }
  if (card.action_menu) {
    const list = card.action_menu.action_list;
    if (list.length < 1 || list.length > 3)
      throw messageInvalid('template_card.action_menu.action_list', '1 to 3 items');
    list.forEach((a, i) => {
      checkBytes(`template_card.action_menu.action_list[${i}].key`, a.key, 1024);
      if (!a.text) throw messageInvalid(`template_card.action_menu.action_list[${i}].text`, 'required');
    });
    if (!card.task_id) throw messageInvalid('template_card.task_id', 'required when action_menu is set');
  }
  if (card.main_title) {
    out.main_title = {
      ...card.main_title,
      ...(card.main_title.title === undefined ? {} : { title: cutChars(card.main_title.title, 36) }),
    };
  }
  if (card.sub_title_text !== undefined) out.sub_title_text = cutChars(card.sub_title_text, 160);
  const list = card.horizontal_content_list;
  if (list) {
    if (list.length > 6) throw messageInvalid('template_card.horizontal_content_list', 'at most 6 items');
    list.forEach((h, i) => {
      const f = `template_card.horizontal_content_list[${i}]`;
      if (!h.keyname) throw messageInvalid(`${f}.keyname`, 'required');
      if (h.type === 1) checkUrl(`${f}.url`, h.url);
      if (h.type === 2 && !h.media_id) throw messageInvalid(`${f}.media_id`, 'required for type 2');
      if (h.type === 3 && !h.userid) throw messageInvalid(`${f}.userid`, 'required for type 3');
    });
  }
  if (card.card_action) checkCardAction('template_card.card_action', card.card_action);
  return out;
}

/** template_card text_notice: card_action required; a main title or sub-title text; lists within limits. */
export function textNoticeCard(card: Omit<TextNoticeCard, 'card_type'>): AppMessageBody {
  if (!card.card_action) throw messageInvalid('template_card.card_action', 'required for text_notice');
  if (!card.main_title?.title && !card.sub_title_text) {
    throw messageInvalid('template_card.main_title.title', 'main_title.title or sub_title_text is required');
  }
  if (card.jump_list) {
    if (card.jump_list.length > 3) throw messageInvalid('template_card.jump_list', 'at most 3 items');
    card.jump_list.forEach((j, i) => {
      const f = `template_card.jump_list[${i}]`;
      if (!j.title) throw messageInvalid(`${f}.title`, 'required');
      if (j.type === 1) checkUrl(`${f}.url`, j.url);
      if (j.type === 2) checkBytes(`${f}.appid`, j.appid, 128);
    });
  }
  const common = checkCommon(card);
  return {
    msgtype: 'template_card',
    template_card: { ...card, ...common, card_action: card.card_action, card_type: 'text_notice' },
  };
}

/** template_card button_interaction: title, task_id and 1–6 buttons required; callback buttons need a unique key. */
export function buttonInteractionCard(card: Omit<ButtonInteractionCard, 'card_type'>): AppMessageBody {
  if (!card.main_title?.title)
    throw messageInvalid('template_card.main_title.title', 'required for button_interaction');
  if (!card.task_id) throw messageInvalid('template_card.task_id', 'required for button_interaction');
  const buttons = card.button_list;
  if (!buttons || buttons.length < 1 || buttons.length > 6) {
    throw messageInvalid('template_card.button_list', '1 to 6 buttons');
  }
  const keys = new Set<string>();
  const button_list = buttons.map((b, i) => {
    const f = `template_card.button_list[${i}]`;
    if (!b.text) throw messageInvalid(`${f}.text`, 'required');
    if (b.style !== undefined && ![1, 2, 3, 4].includes(b.style))
      throw messageInvalid(`${f}.style`, 'must be 1 to 4');
    if ((b.type ?? 0) === 0) {
      const key = checkBytes(`${f}.key`, b.key, 1024);
      if (keys.has(key)) throw messageInvalid(`${f}.key`, 'must be unique within the card');
      keys.add(key);
    } else if (b.type === 1) checkUrl(`${f}.url`, b.url);
    else throw messageInvalid(`${f}.type`, 'must be 0 (callback) or 1 (url)');
    return { ...b, text: cutChars(b.text, 10) };
  });
  const sel = card.button_selection;
  if (sel) {
    checkBytes('template_card.button_selection.question_key', sel.question_key, 1024);
    if (sel.option_list.length < 1 || sel.option_list.length > 10) {
      throw messageInvalid('template_card.button_selection.option_list', '1 to 10 options');
    }
    sel.option_list.forEach((o, i) => {
      checkBytes(`template_card.button_selection.option_list[${i}].id`, o.id, 128);
      if (!o.text) throw messageInvalid(`template_card.button_selection.option_list[${i}].text`, 'required');
    });
  }
  const common = checkCommon(card);
  return {
    msgtype: 'template_card',
    template_card: {
      ...card,
      ...common,
      main_title: { ...card.main_title, title: common.main_title?.title ?? card.main_title.title },
      task_id: card.task_id,
      button_list,
      card_type: 'button_interaction',
    },
  };
}
