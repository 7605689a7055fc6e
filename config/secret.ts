import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

const SECRET_FILE = 'secret.key';

/**
 * The key material for tokens and PII encryption. Production: QIBAO_SECRET (validated by loadConfig).
 * Development: generated once and kept in `<dataDir>/secret.key`, so sessions and encrypted data
 * survive restarts without anyone having to invent a secret.
 */
export function resolveSecret(config: Pick<Config, 'env' | 'secret' | 'dataDir'>): string {
  if (config.secret) return config.secret;
  if (config.env === 'production') throw new Error('QIBAO_SECRET is required in production');
  const file = path.join(config.dataDir, SECRET_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  // 'wx' so two processes starting at once cannot overwrite each other's secret.
  try {
    writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' });
    return generated;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
