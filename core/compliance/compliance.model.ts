import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { SEVERITIES } from './matcher.js';

export const HIT_SOURCES = ['outgoing', 'interaction', 'chat_archive'] as const;
export const HIT_ACTIONS = ['blocked', 'warned', 'flagged'] as const;
export const HIT_STATUSES = ['open', 'acknowledged', 'false_positive'] as const;
export const ALERT_KINDS = ['hit', 'archive_stalled', 'archive_decrypt_failed'] as const;

const ruleSchema = new Schema(
  {
    category: { type: String, required: true, trim: true },
    pattern: { type: String, required: true, trim: true },
    // The normalized pattern: two spellings of one pattern (保本 保息 / 保本保息) are one rule.
    patternKey: { type: String, required: true },
    severity: { type: String, enum: SEVERITIES, required: true },
    alternative: { type: String, default: '' },
    negatable: { type: Boolean, required: true, default: true },
    active: { type: Boolean, required: true, default: true },
    note: { type: String },
    source: { type: String, enum: ['default', 'custom'], required: true },
    // Lexicon version of this rule's last change.
    version: { type: Number, required: true },
    updatedBy: { type: Schema.Types.ObjectId },
  },
  { timestamps: true },
);
ruleSchema.index({ patternKey: 1 }, { unique: true });
ruleSchema.index({ category: 1, severity: 1 });

// One document: the lexicon's current version. Every rule change increments it.
const lexiconSchema = new Schema(
  { key: { type: String, required: true }, version: { type: Number, required: true } },
  { timestamps: true },
);
lexiconSchema.index({ key: 1 }, { unique: true });

// Append-only history: which version changed which rule, how, by whom.
const lexiconChangeSchema = new Schema({
  version: { type: Number, required: true },
  action: { type: String, enum: ['seed', 'create', 'update', 'delete'], required: true },
  ruleId: { type: Schema.Types.ObjectId },
  before: { type: Schema.Types.Mixed },
  after: { type: Schema.Types.Mixed },
  actorId: { type: Schema.Types.ObjectId },
  at: { type: Date, required: true },
});
lexiconChangeSchema.index({ version: -1 });

const hitSchema = new Schema(
  {
    source: { type: String, enum: HIT_SOURCES, required: true },
    // Notification id / dedupe key, interaction id, or archive msgid.
    sourceRef: { type: String, required: true },
    channel: { type: String },
    action: { type: String, enum: HIT_ACTIONS, required: true },
    text: { type: String, required: true },
    context: { type: String, required: true },
    matchedText: { type: String, required: true },
    ruleId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true },
    pattern: { type: String, required: true },
    severity: { type: String, enum: SEVERITIES, required: true },
    alternative: { type: String, default: '' },
    lexiconVersion: { type: Number, required: true },
    agentId: { type: Schema.Types.ObjectId },
    teamId: { type: Schema.Types.ObjectId },
    branchId: { type: Schema.Types.ObjectId },
    customerId: { type: Schema.Types.ObjectId },
    agentWecomUserId: { type: String },
    externalUserId: { type: String },
    occurredAt: { type: Date, required: true },
    status: { type: String, enum: HIT_STATUSES, required: true, default: 'open' },
    reviewedBy: { type: Schema.Types.ObjectId },
    reviewedAt: { type: Date },
    reviewNote: { type: String },
    // source:sourceRef:ruleId — a retried send or a re-read archive batch records a hit once.
    dedupeKey: { type: String, required: true },
  },
  { timestamps: true },
);
hitSchema.index({ dedupeKey: 1 }, { unique: true });
hitSchema.index({ occurredAt: -1 });
hitSchema.index({ status: 1, occurredAt: -1 });
hitSchema.index({ teamId: 1, occurredAt: -1 });
hitSchema.index({ agentId: 1, occurredAt: -1 });

// Something the compliance owner must see; the notification outbox delivers pending ones.
const alertSchema = new Schema(
  {
    kind: { type: String, enum: ALERT_KINDS, required: true },
    severity: { type: String, enum: ['block', 'warn', 'info'], required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    hitIds: { type: [Schema.Types.ObjectId], default: [] },
    status: { type: String, enum: ['pending', 'delivered'], required: true, default: 'pending' },
    deliveredAt: { type: Date },
    dedupeKey: { type: String, required: true },
  },
  { timestamps: true },
);
alertSchema.index({ dedupeKey: 1 }, { unique: true });
alertSchema.index({ status: 1, createdAt: 1 });

const archiveCheckpointSchema = new Schema(
  {
    key: { type: String, required: true },
    // Highest seq whose batch was fully processed; the next pull asks for seq + 1 onwards.
    seq: { type: Number, required: true, default: 0 },
    lastPullAt: { type: Date },
    lastSuccessAt: { type: Date },
    lastError: { type: String },
    // Lease: one pull at a time across processes (notify and the periodic pull may overlap).
    lockedUntil: { type: Date },
    lockOwner: { type: String },
  },
  { timestamps: true },
);
archiveCheckpointSchema.index({ key: 1 }, { unique: true });

const archiveMessageSchema = new Schema(
  {
    msgid: { type: String, required: true },
    seq: { type: Number, required: true },
    action: { type: String, required: true },
    from: { type: String },
    tolist: { type: [String], default: [] },
    roomid: { type: String },
    msgtime: { type: Date },
    msgtype: { type: String },
    text: { type: String },
    agentId: { type: Schema.Types.ObjectId },
    agentWecomUserId: { type: String },
    customerId: { type: Schema.Types.ObjectId },
    externalUserId: { type: String },
    fromStaff: { type: Boolean, required: true },
    publickeyVer: { type: Number },
    hitCount: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);
archiveMessageSchema.index({ msgid: 1 }, { unique: true });
archiveMessageSchema.index({ customerId: 1, msgtime: -1 });
archiveMessageSchema.index({ agentId: 1, msgtime: -1 });
// The timeline also finds messages archived before the customer's external_userid was linked.
archiveMessageSchema.index({ externalUserId: 1, msgtime: -1 });

// A record that could not be decrypted (unknown publickey_ver, bad key): kept encrypted for a retry.
const archiveFailureSchema = new Schema(
  {
    msgid: { type: String, required: true },
    seq: { type: Number, required: true },
    publickeyVer: { type: Number, required: true },
    encryptRandomKey: { type: String, required: true },
    encryptChatMsg: { type: String, required: true },
    reason: { type: String, required: true },
    attempts: { type: Number, required: true, default: 1 },
    resolvedAt: { type: Date },
  },
  { timestamps: true },
);
archiveFailureSchema.index({ msgid: 1 }, { unique: true });
archiveFailureSchema.index({ resolvedAt: 1, seq: 1 });

// What Qibao last pushed to WeCom's intercept rules (敏感词规则): the sync diffs against this, so it
// never touches rules the enterprise manages by hand in the admin console.
const interceptRuleSchema = new Schema(
  {
    ruleId: { type: String, required: true },
    ruleName: { type: String, required: true },
    words: { type: [String], default: [] },
    interceptType: { type: Number, enum: [1, 2], required: true },
    lexiconVersion: { type: Number, required: true },
  },
  { timestamps: true },
);
interceptRuleSchema.index({ ruleId: 1 }, { unique: true });
interceptRuleSchema.index({ ruleName: 1 });

export type RuleDoc = InferSchemaType<typeof ruleSchema>;
export type InterceptRuleDoc = InferSchemaType<typeof interceptRuleSchema>;
export type LexiconDoc = InferSchemaType<typeof lexiconSchema>;
export type LexiconChangeDoc = InferSchemaType<typeof lexiconChangeSchema>;
export type HitDoc = InferSchemaType<typeof hitSchema>;
export type AlertDoc = InferSchemaType<typeof alertSchema>;
export type ArchiveCheckpointDoc = InferSchemaType<typeof archiveCheckpointSchema>;
export type ArchiveMessageDoc = InferSchemaType<typeof archiveMessageSchema>;
export type ArchiveFailureDoc = InferSchemaType<typeof archiveFailureSchema>;

/** Registers the compliance models on a connection. */
export function registerComplianceModels(conn: Connection) {
  return {
    ComplianceRule: conn.model('ComplianceRule', ruleSchema) as Model<RuleDoc>,
    ComplianceLexicon: conn.model('ComplianceLexicon', lexiconSchema) as Model<LexiconDoc>,
    ComplianceLexiconChange: conn.model(
      'ComplianceLexiconChange',
      lexiconChangeSchema,
    ) as Model<LexiconChangeDoc>,
    ComplianceHit: conn.model('ComplianceHit', hitSchema) as Model<HitDoc>,
    ComplianceAlert: conn.model('ComplianceAlert', alertSchema) as Model<AlertDoc>,
    ChatArchiveCheckpoint: conn.model(
      'ChatArchiveCheckpoint',
      archiveCheckpointSchema,
    ) as Model<ArchiveCheckpointDoc>,
    ChatArchiveMessage: conn.model('ChatArchiveMessage', archiveMessageSchema) as Model<ArchiveMessageDoc>,
    ChatArchiveFailure: conn.model('ChatArchiveFailure', archiveFailureSchema) as Model<ArchiveFailureDoc>,
    ComplianceInterceptRule: conn.model(
      'ComplianceInterceptRule',
      interceptRuleSchema,
    ) as Model<InterceptRuleDoc>,
  };
}
export type ComplianceModels = ReturnType<typeof registerComplianceModels>;
