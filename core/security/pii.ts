import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from './keys.js';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * Field-level protection for personal data: AES-256-GCM encryption at rest and a keyed hash (HMAC-SHA256)
 * for exact lookup without decrypting. Keys are derived from QIBAO_SECRET, one per purpose.
 */
export function createPiiCipher(secret: string) {
  const encKey = deriveKey(secret, 'pii-encryption');
  const hashKey = deriveKey(secret, 'pii-lookup-hash');
  return {
    /** `v1:<iv>:<tag>:<ciphertext>` (base64url parts). A fresh random IV per value. */
    encrypt(plaintext: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join(
        ':',
      );
    },
    /** Throws when the value was tampered with or encrypted under another secret (GCM authentication). */
    decrypt(stored: string): string {
      const [version, iv, tag, ct] = stored.split(':');
      if (version !== VERSION || !iv || !tag || ct === undefined) {
        throw new Error('pii: unknown ciphertext format');
      }
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
    /** Deterministic keyed hash of a normalized value, for equality lookups and unique keys. */
    lookupHash(normalized: string): string {
      return createHmac('sha256', hashKey).update(normalized, 'utf8').digest('hex');
    },
  };
}
export type PiiCipher = ReturnType<typeof createPiiCipher>;

/** `110101199001011234` → `110***********1234`: first 3 and last 4 kept, the rest starred. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 7) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 3)}${'*'.repeat(idNumber.length - 7)}${idNumber.slice(-4)}`;
}

/** `+8613812345678` → `138****5678` (national form, middle four starred). */
export function maskPhone(e164: string): string {
  const national = e164.startsWith('+86') ? e164.slice(3) : e164;
  if (national.length < 8) return '*'.repeat(national.length);
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}
