import { createCipheriv, createDecipheriv, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import NodeRSA from 'node-rsa';
import {
  ChatArchiveSdkError,
  type ChatArchiveSdk,
  type ChatDataRecord,
} from '#core/compliance/archive/archive.sdk';

/** A 2048-bit RSA pair as PEM (private key PKCS#1, as `openssl genrsa` writes it). */
export function generateArchiveKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

// Stand-in for Tencent's proprietary DecryptData cipher (unpublished): AES-256-CBC keyed by the
// random key's SHA-256. Only the shape matters: the message opens only with the right random key.
function sealWith(randomKey: string, plaintext: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(randomKey).digest(), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

function openWith(randomKey: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv(
    'aes-256-cbc',
    createHash('sha256').update(randomKey).digest(),
    raw.subarray(0, 16),
  );
  return Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
}

/**
 * Test adapter for the chat-archive SDK: it holds plaintext messages and serves them as real
 * GetChatData records (seq, msgid, publickey_ver, base64 RSA-PKCS#1-v1.5-encrypted random key,
 * sealed message), so the pipeline under test runs the real RSA step.
 */
export class FakeChatArchive implements ChatArchiveSdk {
  readonly records: ChatDataRecord[] = [];
  getChatDataCalls: { seq: number; limit: number }[] = [];
  /** Throws this error from the nth DecryptData call (1-based), to simulate a crash mid-batch. */
  crashOnDecrypt: { call: number; error: Error } | undefined;
  private decryptCalls = 0;
  private readonly publicKeys = new Map<number, NodeRSA>();

  constructor(publicPems: ReadonlyMap<number, string>) {
    for (const [ver, pem] of publicPems) {
      const key = new NodeRSA(pem);
      key.setOptions({ encryptionScheme: 'pkcs1' });
      this.publicKeys.set(ver, key);
    }
  }

  /** Appends a message (path/91774 JSON) encrypted under `publickeyVer`; returns its seq. */
  add(message: Record<string, unknown> & { msgid: string }, publickeyVer = 1): number {
    const key = this.publicKeys.get(publickeyVer) ?? [...this.publicKeys.values()][0];
    if (!key) throw new Error('no public key');
    const randomKey = randomBytes(16).toString('hex');
    const seq = (this.records.at(-1)?.seq ?? 0) + 1;
    this.records.push({
      seq,
      msgid: message.msgid,
      publickey_ver: publickeyVer,
      encrypt_random_key: key.encrypt(randomKey, 'base64'),
      encrypt_chat_msg: sealWith(randomKey, JSON.stringify(message)),
    });
    return seq;
  }

  async getChatData(seq: number, limit: number): Promise<ChatDataRecord[]> {
    this.getChatDataCalls.push({ seq, limit });
    if (limit > 1000) throw new ChatArchiveSdkError('GetChatData', 10001, 'limit above 1000');
    return this.records.filter((r) => r.seq > seq).slice(0, limit);
  }

  async decryptData(randomKey: string, encryptChatMsg: string): Promise<string> {
    this.decryptCalls++;
    if (this.crashOnDecrypt && this.decryptCalls === this.crashOnDecrypt.call)
      throw this.crashOnDecrypt.error;
    try {
      return openWith(randomKey, encryptChatMsg);
    } catch {
      throw new ChatArchiveSdkError('DecryptData', 10006, 'decrypt failed');
    }
  }

  async close(): Promise<void> {}
}

/** A text message as DecryptData returns it. */
export function textMessage(msgid: string, from: string, to: string, content: string, msgtime: number) {
  return {
    msgid,
    action: 'send',
    from,
    tolist: [to],
    roomid: '',
    msgtime,
    msgtype: 'text',
    text: { content },
  };
}
