import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import NodeRSA from 'node-rsa';

/** Why a record's random key could not be recovered; the record is kept for a retry, never fatal. */
export class ArchiveKeyError extends Error {
  constructor(
    readonly reason: 'unknown_key_version' | 'rsa_decrypt_failed',
    readonly publickeyVer: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ArchiveKeyError';
  }
}

/** The enterprise's RSA private keys, one per `publickey_ver`; old versions stay for old messages. */
export interface ArchiveKeyring {
  versions(): number[];
  /**
   * Base64-decodes `encrypt_random_key` and RSA-decrypts it (PKCS#1 v1.5) with the key of
   * `publickeyVer`. Throws ArchiveKeyError for an unknown version or a key that does not fit.
   */
  decryptRandomKey(publickeyVer: number, encryptRandomKey: string): string;
}

/**
 * Builds a keyring from PEM texts (PKCS#1 or PKCS#8). node-rsa does the RSA step in JavaScript:
 * Node's crypto.privateDecrypt refuses PKCS#1 v1.5 padding since the Marvin-attack hardening
 * (CVE-2023-46809), and the archive uses exactly that padding.
 */
export function createArchiveKeyring(pems: ReadonlyMap<number, string>): ArchiveKeyring {
  const keys = new Map<number, NodeRSA>();
  for (const [ver, pem] of pems) {
    const key = new NodeRSA(pem);
    if (!key.isPrivate()) throw new Error(`archive key version ${ver} is not a private key`);
    if (key.getKeySize() !== 2048)
      throw new Error(`archive key version ${ver} is ${key.getKeySize()}-bit, expected 2048`);
    key.setOptions({ encryptionScheme: 'pkcs1' });
    keys.set(ver, key);
  }
  return {
    versions: () => [...keys.keys()].sort((a, b) => a - b),
    decryptRandomKey(publickeyVer, encryptRandomKey) {
      const key = keys.get(publickeyVer);
      if (!key) {
        throw new ArchiveKeyError(
          'unknown_key_version',
          publickeyVer,
          `no private key for publickey_ver ${publickeyVer} (have ${[...keys.keys()].join(', ') || 'none'})`,
        );
      }
      try {
        return Buffer.from(key.decrypt(Buffer.from(encryptRandomKey, 'base64'))).toString('utf8');
      } catch (err) {
        throw new ArchiveKeyError(
          'rsa_decrypt_failed',
          publickeyVer,
          `RSA decryption failed for publickey_ver ${publickeyVer}`,
          {
            cause: err,
          },
        );
      }
    },
  };
}

/**
 * Loads every `<publickey_ver>.pem` (or `v<publickey_ver>.pem`) in `dir`. Keep the files of old
 * versions: messages encrypted before a key rotation still name the old version.
 */
export function loadArchiveKeyring(dir: string): ArchiveKeyring {
  const pems = new Map<number, string>();
  for (const name of readdirSync(dir)) {
    const m = /^v?(\d+)\.pem$/i.exec(name);
    if (!m) continue;
    pems.set(Number(m[1]), readFileSync(path.join(dir, name), 'utf8'));
  }
  if (pems.size === 0) throw new Error(`no <publickey_ver>.pem files in ${dir}`);
  return createArchiveKeyring(pems);
}
