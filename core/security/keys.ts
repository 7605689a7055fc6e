import { hkdfSync } from 'node:crypto';

/** Purposes keys are derived for; one secret, independent keys per purpose. */
export type KeyPurpose = 'session-token' | 'pii-encryption' | 'pii-lookup-hash';

/** Derives a 32-byte key for one purpose from QIBAO_SECRET (HKDF-SHA256). */
export function deriveKey(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'qibao', `qibao:${purpose}:v1`, 32));
}
