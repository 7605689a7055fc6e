import { createHmac, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, notFound } from '../errors.js';
import type { LeadModels } from './lead.model.js';
import type { LeadSource } from './lead.options.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  source: LeadSource;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | undefined;
  lastUsedAt: Date | undefined;
}

const invalidKey = () =>
  new AppError('LEAD_API_KEY_INVALID', 'missing, unknown or revoked api key', {
    userMessage: 'API 密钥无效或已吊销',
  });

/**
 * Intake API keys (web forms, ad platforms). The plaintext `qbk_<prefix>_<secret>` is shown once at
 * creation; only an HMAC under the server secret is stored, so a database leak yields no usable key.
 */
export function createApiKeys(deps: {
  models: Pick<LeadModels, 'LeadApiKey'>;
  secret: string;
  clock: () => Date;
}) {
  const { LeadApiKey } = deps.models;
  const hash = (key: string) => createHmac('sha256', deps.secret).update(`lead-api-key:${key}`).digest('hex');
  const toRecord = (d: {
    _id: Types.ObjectId;
    name: string;
    prefix: string;
    source: string;
    createdBy: string;
    createdAt?: Date;
    revokedAt?: Date | null;
    lastUsedAt?: Date | null;
  }): ApiKeyRecord => ({
    id: d._id.toString(),
    name: d.name,
    prefix: d.prefix,
    source: d.source as LeadSource,
    createdBy: d.createdBy,
    createdAt: d.createdAt ?? new Date(0),
    revokedAt: d.revokedAt ?? undefined,
    lastUsedAt: d.lastUsedAt ?? undefined,
  });
  return {
    async create(input: { name: string; source: LeadSource; createdBy: string }) {
      const prefix = randomBytes(4).toString('hex');
      const key = `qbk_${prefix}_${randomBytes(24).toString('base64url')}`;
      const d = await LeadApiKey.create({ ...input, prefix, hash: hash(key) });
      return { key, record: toRecord(d.toObject()) };
    },
    async list(): Promise<ApiKeyRecord[]> {
      return (await LeadApiKey.find({}).sort({ createdAt: -1 }).limit(500).lean()).map(toRecord);
    },
    async revoke(id: string): Promise<ApiKeyRecord> {
      const d = Types.ObjectId.isValid(id)
        ? await LeadApiKey.findByIdAndUpdate(
            id,
            { $set: { revokedAt: deps.clock() } },
            { returnDocument: 'after' },
          ).lean()
        : null;
      if (!d) throw notFound('api key', 'API 密钥不存在');
      return toRecord(d);
    },
    /** The key's record, or LEAD_API_KEY_INVALID (401) for unknown and revoked keys. */
    async authenticate(key: string | undefined): Promise<ApiKeyRecord> {
      if (!key || !/^qbk_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}$/.test(key)) throw invalidKey();
      const d = await LeadApiKey.findOne({ hash: hash(key) }).lean();
      if (!d || d.revokedAt) throw invalidKey();
      await LeadApiKey.updateOne({ _id: d._id }, { $set: { lastUsedAt: deps.clock() } });
      return toRecord(d);
    },
  };
}
export type ApiKeys = ReturnType<typeof createApiKeys>;
