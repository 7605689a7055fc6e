import { createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { decrypt as wecomDecrypt, encrypt as wecomEncrypt, getSignature } from '@wecom/crypto';
import { AppError } from '../errors.js';
import { CALLBACK_LIBRARY_CODES } from './wecom.errors.js';

/** What the callback codec needs: the three values from the app's 接收消息 settings. */
export interface CallbackCredentials {
  token: string;
  encodingAesKey: string;
  /** corpid for a self-built app (the value expected at the end of every plaintext). */
  receiveId: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SIGNATURE = /^[0-9a-f]{40}$/;
const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true });

function reject(
  code: 'WECOM_CALLBACK_MALFORMED' | 'WECOM_CALLBACK_SIGNATURE_INVALID' | 'WECOM_CALLBACK_RECEIVER_MISMATCH',
  libraryCode: number,
  message: string,
): AppError {
  return new AppError(code, message, {
    userMessage: '回调请求无效',
    details: { wecomCode: libraryCode },
  });
}

function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey) || key.length !== 32) {
    throw new Error(`EncodingAESKey must be 43 letters/digits decoding to 32 bytes (library ${-40004})`);
  }
  return key;
}

/**
 * The WeCom callback codec (path/90968): SHA-1 signature, AES-256-CBC with 32-byte PKCS#7 padding.
 * Decryption and encryption are done by the official `@wecom/crypto`; this adds what that library
 * leaves to the caller: strict Base64, a constant-time signature compare, a check that the length
 * field lies inside the buffer and that the pad is well formed, valid UTF-8, and receiveid == corp id.
 */
export function createCallbackCodec(creds: CallbackCredentials) {
  const key = aesKey(creds.encodingAesKey);

  function signature(timestamp: string, nonce: string, encrypted: string): string {
    return getSignature(creds.token, timestamp, nonce, encrypted);
  }

  /**
   * Reads the frame `random(16) ‖ len(4, BE) ‖ msg ‖ receiveid ‖ pad` directly, because the library
   * slices with whatever the length field says (a forged length silently truncates or shifts the
   * receiveid) and accepts any pad byte.
   */
  function checkFrame(cipher: Buffer): { msgLength: number; receiveIdLength: number } {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(cipher), decipher.final()]);
    } catch (err) {
      throw reject(
        'WECOM_CALLBACK_MALFORMED',
        CALLBACK_LIBRARY_CODES.decryptFailed,
        `AES decrypt failed: ${(err as Error).message}`,
      );
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (
      pad < 1 ||
      pad > 32 ||
      pad > plain.length ||
      !plain.subarray(plain.length - pad).every((b) => b === pad)
    ) {
      throw reject('WECOM_CALLBACK_MALFORMED', CALLBACK_LIBRARY_CODES.bufferIllegal, 'bad PKCS#7 padding');
    }
    const frameLength = plain.length - pad;
    if (frameLength < 20) {
      throw reject(
        'WECOM_CALLBACK_MALFORMED',
        CALLBACK_LIBRARY_CODES.bufferIllegal,
        'plaintext shorter than its header',
      );
    }
    const msgLength = plain.readUInt32BE(16);
    if (20 + msgLength > frameLength) {
      throw reject(
        'WECOM_CALLBACK_MALFORMED',
        CALLBACK_LIBRARY_CODES.bufferIllegal,
        `length field ${msgLength} exceeds the ${frameLength - 20} bytes present`,
      );
    }
    try {
      FATAL_UTF8.decode(plain.subarray(20, 20 + msgLength));
    } catch {
      throw reject(
        'WECOM_CALLBACK_MALFORMED',
        CALLBACK_LIBRARY_CODES.bufferIllegal,
        'message is not valid UTF-8',
      );
    }
    return { msgLength, receiveIdLength: frameLength - 20 - msgLength };
  }

  return {
    /** The lowercase-hex SHA-1 over the sorted (token, timestamp, nonce, encrypted). */
    signature,

    /** Constant-time comparison of `msgSignature` with the expected signature. */
    verifySignature(msgSignature: string, timestamp: string, nonce: string, encrypted: string): boolean {
      const expected = Buffer.from(signature(timestamp, nonce, encrypted), 'ascii');
      const given = Buffer.from(msgSignature.toLowerCase(), 'ascii');
      // Equal lengths first: timingSafeEqual throws otherwise, and a 40-char hex string leaks nothing.
      if (!SIGNATURE.test(msgSignature.toLowerCase()) || given.length !== expected.length) return false;
      return timingSafeEqual(given, expected);
    },

    /**
     * Verifies and decrypts `encrypted` (the echostr of a GET or the <Encrypt> of a POST). Throws
     * AppError WECOM_CALLBACK_* with `details.wecomCode` set to the official library code.
     */
    open(msgSignature: string, timestamp: string, nonce: string, encrypted: string): string {
      if (!this.verifySignature(msgSignature, timestamp, nonce, encrypted)) {
        throw reject(
          'WECOM_CALLBACK_SIGNATURE_INVALID',
          CALLBACK_LIBRARY_CODES.signatureInvalid,
          'msg_signature mismatch',
        );
      }
      return this.decrypt(encrypted);
    },

    /** Decrypts without the signature check (callers that verified already, and the simulator). */
    decrypt(encrypted: string): string {
      if (encrypted.length === 0 || !BASE64.test(encrypted)) {
        throw reject(
          'WECOM_CALLBACK_MALFORMED',
          CALLBACK_LIBRARY_CODES.base64Invalid,
          'ciphertext is not Base64',
        );
      }
      const cipher = Buffer.from(encrypted, 'base64');
      if (cipher.length === 0 || cipher.length % 16 !== 0) {
        throw reject(
          'WECOM_CALLBACK_MALFORMED',
          CALLBACK_LIBRARY_CODES.decryptFailed,
          'ciphertext is not whole AES blocks',
        );
      }
      const frame = checkFrame(cipher);
      let opened: { message: string; id: string };
      try {
        opened = wecomDecrypt(creds.encodingAesKey, encrypted);
      } catch (err) {
        throw reject(
          'WECOM_CALLBACK_MALFORMED',
          CALLBACK_LIBRARY_CODES.decryptFailed,
          `decrypt failed: ${(err as Error).message}`,
        );
      }
      if (Buffer.byteLength(opened.message) !== frame.msgLength) {
        throw reject(
          'WECOM_CALLBACK_MALFORMED',
          CALLBACK_LIBRARY_CODES.bufferIllegal,
          'message length disagrees with the frame',
        );
      }
      if (opened.id !== creds.receiveId) {
        throw reject(
          'WECOM_CALLBACK_RECEIVER_MISMATCH',
          CALLBACK_LIBRARY_CODES.receiveIdMismatch,
          `receiveid is not our corp id (${frame.receiveIdLength} bytes)`,
        );
      }
      return opened.message;
    },

    /** Encrypts `message` for our receiveid; `random` (16 bytes) is fixed only by tests reproducing vectors. */
    encrypt(message: string, random: Buffer = randomBytes(16)): string {
      return wecomEncrypt(creds.encodingAesKey, message, creds.receiveId, random);
    },

    /**
     * The passive-reply body (path/90968): the reply XML encrypted, signed with the reply's own
     * timestamp and nonce.
     */
    sealReply(replyXml: string, opts: { timestamp: string; nonce: string; random?: Buffer }): string {
      const encrypted = this.encrypt(replyXml, opts.random);
      const msgSignature = signature(opts.timestamp, opts.nonce, encrypted);
      return (
        `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt>` +
        `<MsgSignature><![CDATA[${msgSignature}]]></MsgSignature>` +
        `<TimeStamp>${opts.timestamp}</TimeStamp>` +
        `<Nonce><![CDATA[${opts.nonce}]]></Nonce></xml>`
      );
    },
  };
}
export type CallbackCodec = ReturnType<typeof createCallbackCodec>;

/** A short, non-reversible fingerprint of a secret, for cache keys and logs. */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}
