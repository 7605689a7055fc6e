/**
 * The boundary to Tencent's chat-archive SDK (会话内容存档). Fetching (`GetChatData`) and the second,
 * proprietary decryption (`DecryptData`) exist only inside the native library; the RSA step between
 * them is ours (archive.keyring.ts). Production: archive.native.ts; tests: a fake with the same shape.
 */
export interface ChatArchiveSdk {
  /** GetChatData: records with seq > `seq`, at most `limit` (≤ 1000). Throws ChatArchiveSdkError. */
  getChatData(seq: number, limit: number): Promise<ChatDataRecord[]>;
  /** DecryptData: `randomKey` is the RSA-decrypted encrypt_random_key; returns the message JSON text. */
  decryptData(randomKey: string, encryptChatMsg: string): Promise<string>;
  close(): Promise<void>;
}

/** One element of GetChatData's `chatdata` array, as Tencent sends it. */
export interface ChatDataRecord {
  seq: number;
  msgid: string;
  publickey_ver: number;
  encrypt_random_key: string;
  encrypt_chat_msg: string;
}

/** A non-zero return code of the native SDK (e.g. 10009 IP not whitelisted, 10006 decrypt failed). */
export class ChatArchiveSdkError extends Error {
  constructor(
    readonly operation: 'Init' | 'GetChatData' | 'DecryptData' | 'load',
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ChatArchiveSdkError';
  }
}

/** A decrypted archive message (path/91774); only the fields Qibao reads. */
export interface ArchivedMessage {
  msgid: string;
  action: string;
  from: string | undefined;
  tolist: string[];
  roomid: string | undefined;
  msgtime: Date | undefined;
  msgtype: string | undefined;
  /** The words in it, for compliance scanning (text, markdown, link title/description). */
  text: string | undefined;
}

const asString = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const field = (o: unknown, k: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;

/** DecryptData returned something that is not an archive message. */
export class ArchiveMessageFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArchiveMessageFormatError';
  }
}

/** Parses DecryptData's JSON. Throws ArchiveMessageFormatError for anything but a message with a msgid. */
export function parseArchivedMessage(json: string): ArchivedMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ArchiveMessageFormatError('DecryptData output is not JSON', { cause: err });
  }
  const msgid = asString(field(raw, 'msgid'));
  if (!msgid) throw new ArchiveMessageFormatError('archived message without msgid');
  const action = asString(field(raw, 'action')) ?? 'send';
  const msgtype = asString(field(raw, 'msgtype'));
  // msgtime is milliseconds; the switch record carries `time` instead.
  const ms = field(raw, 'msgtime') ?? field(raw, 'time');
  const tolist = field(raw, 'tolist');
  let text: string | undefined;
  if (msgtype === 'text') text = asString(field(field(raw, 'text'), 'content'));
  else if (msgtype === 'markdown')
    text =
      asString(field(field(raw, 'info'), 'content')) ?? asString(field(field(raw, 'markdown'), 'content'));
  else if (msgtype === 'link') {
    const link = field(raw, 'link');
    text =
      [asString(field(link, 'title')), asString(field(link, 'description'))].filter(Boolean).join(' ') ||
      undefined;
  }
  return {
    msgid,
    action,
    from: asString(field(raw, 'from')) ?? asString(field(raw, 'user')),
    tolist: Array.isArray(tolist) ? tolist.filter((x): x is string => typeof x === 'string') : [],
    roomid: asString(field(raw, 'roomid')),
    msgtime: typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms) : undefined,
    msgtype,
    text,
  };
}

/** Customers' external_userid start with wo/wm, robots with wb (path/91774); members are userids. */
export function isExternalId(id: string): boolean {
  return /^(wo|wm|wb)[A-Za-z0-9_-]{8,}$/.test(id);
}
