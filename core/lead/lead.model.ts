import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import {
  ACTIVITY_TYPES,
  LEAD_GRADES,
  LEAD_INTENTS,
  LEAD_SOURCES,
  LEAD_STAGES,
  LEAD_TYPES,
} from './lead.options.js';

// One entry of a lead's history: stage moves, assignments, activities (calls, visits), merges. Kept on
// the lead so a merge or a conversion carries the whole story along without a join.
const historySchema = new Schema(
  {
    at: { type: Date, required: true },
    actorId: { type: String },
    kind: {
      type: String,
      enum: [
        'created',
        'intake',
        'assigned',
        'stage',
        'activity',
        'pool',
        'claimed',
        'merged',
        'unmerged',
        'converted',
      ],
      required: true,
    },
    activityType: { type: String, enum: ACTIVITY_TYPES },
    from: { type: String },
    to: { type: String },
    note: { type: String },
    // Which lead this entry came from (a merge keeps the absorbed lead's entries, marked).
    fromLeadId: { type: String },
    // Entries a merge brought in carry its id, so undoing the merge takes exactly them out again.
    mergeId: { type: String },
  },
  { _id: false },
);

// What one intake brought in: channel and the raw contact data as received (records what came from where).
const sourceSchema = new Schema(
  {
    at: { type: Date, required: true },
    channel: { type: String, required: true },
    via: { type: String, required: true },
    detail: { type: String },
    raw: { type: Schema.Types.Mixed },
    fromLeadId: { type: String },
    mergeId: { type: String },
  },
  { _id: false },
);

const leadSchema = new Schema(
  {
    name: { type: String, trim: true },
    phone: { type: String },
    phoneLast4: { type: String },
    wechatId: { type: String },
    unionid: { type: String },
    externalUserId: { type: String },
    source: { type: String, enum: LEAD_SOURCES, required: true },
    sourceDetail: { type: String },
    intent: { type: String, enum: LEAD_INTENTS, required: true, default: 'medium' },
    type: { type: String, enum: LEAD_TYPES, required: true, default: '综合型' },
    grade: { type: String, enum: LEAD_GRADES, required: true },
    region: { type: String },
    productInterest: { type: [String], default: [] },
    note: { type: String },
    referrerName: { type: String },
    referrerCustomerId: { type: Schema.Types.ObjectId },
    stage: { type: String, enum: LEAD_STAGES, required: true },
    // Every stage the lead has been in (funnel counts by $unwind + $group, no date operators).
    reachedStages: { type: [String], default: [] },
    stageEnteredAt: { type: Date, required: true },
    stageDueAt: { type: Date },
    lossReason: { type: String },
    // Assignee and their placement (copied, like customer ownership, so scope is one equality filter).
    assigneeId: { type: Schema.Types.ObjectId },
    teamId: { type: Schema.Types.ObjectId },
    branchId: { type: Schema.Types.ObjectId },
    assignedAt: { type: Date },
    assignment: {
      ruleId: { type: String },
      ruleName: { type: String },
      reason: { type: String },
    },
    firstContactDueAt: { type: Date },
    contactedAt: { type: Date },
    inPool: { type: Boolean, required: true, default: false },
    // Incremented each time the lead enters the pool: a claim is unique per (lead, epoch).
    poolEpoch: { type: Number, required: true, default: 0 },
    wonAt: { type: Date },
    lostAt: { type: Date },
    customerId: { type: Schema.Types.ObjectId },
    mergedInto: { type: Schema.Types.ObjectId },
    history: { type: [historySchema], default: [] },
    sources: { type: [sourceSchema], default: [] },
    // The day (Asia/Shanghai) the lead was created, for KPI periods by string range.
    createdDate: { type: String, required: true },
    wonDate: { type: String },
    lostDate: { type: String },
    importId: { type: String },
  },
  { timestamps: true },
);
leadSchema.index({ assigneeId: 1, stage: 1 });
leadSchema.index({ teamId: 1, stage: 1 });
leadSchema.index({ branchId: 1, stage: 1 });
leadSchema.index({ inPool: 1, updatedAt: -1 });
leadSchema.index({ stage: 1, firstContactDueAt: 1 });
leadSchema.index({ stage: 1, stageDueAt: 1 });
leadSchema.index({ createdDate: 1 });
leadSchema.index({ phone: 1 });

// Dedupe keys ('phone:+86…', 'unionid:…', 'ext:…') → lead. Unique: the insert is the commit point, so
// two intakes of the same person racing end as one lead (FerretDB's findAndModify is not atomic).
const leadKeySchema = new Schema({
  key: { type: String, required: true },
  leadId: { type: Schema.Types.ObjectId, required: true },
});
leadKeySchema.index({ key: 1 }, { unique: true });
leadKeySchema.index({ leadId: 1 });

// A merge: enough of both records to undo it.
const leadMergeSchema = new Schema(
  {
    survivorId: { type: Schema.Types.ObjectId, required: true },
    // Absent for an intake merged into an existing lead (the intake never became a lead of its own).
    absorbedId: { type: Schema.Types.ObjectId },
    kind: { type: String, enum: ['intake', 'leads'], required: true },
    survivorBefore: { type: Schema.Types.Mixed, required: true },
    absorbedBefore: { type: Schema.Types.Mixed },
    intake: { type: Schema.Types.Mixed },
    movedKeys: { type: [String], default: [] },
    matchedOn: { type: [String], default: [] },
    actorId: { type: String },
    at: { type: Date, required: true },
    undoneAt: { type: Date },
    undoneBy: { type: String },
    splitLeadId: { type: String },
  },
  { timestamps: false },
);
leadMergeSchema.index({ survivorId: 1, at: -1 });
leadMergeSchema.index({ absorbedId: 1 });
leadMergeSchema.index({ at: -1 });

// Ordered, admin-editable assignment rules.
const assignmentRuleSchema = new Schema(
  {
    name: { type: String, required: true },
    order: { type: Number, required: true },
    enabled: { type: Boolean, required: true, default: true },
    match: {
      regions: { type: [String], default: [] },
      productInterests: { type: [String], default: [] },
      sources: { type: [String], default: [] },
    },
    target: {
      kind: { type: String, enum: ['agent', 'team', 'pool'], required: true },
      userId: { type: Schema.Types.ObjectId },
      teamId: { type: Schema.Types.ObjectId },
    },
  },
  { timestamps: true },
);
assignmentRuleSchema.index({ order: 1 });

// Per-agent capacity (open leads at most); absent → the configured default.
const agentCapacitySchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true },
  capacity: { type: Number, required: true },
});
agentCapacitySchema.index({ userId: 1 }, { unique: true });

// Round-robin pointer for the fallback (fairness, not correctness: a lost update only repeats an agent).
const roundRobinSchema = new Schema({
  key: { type: String, required: true },
  next: { type: Number, required: true },
});
roundRobinSchema.index({ key: 1 }, { unique: true });

// Pool claims: one document per (agent, day, slot n ≤ limit) and per (lead, pool epoch), both unique,
// so the daily limit and "one claimer wins" hold under concurrency without findAndModify.
const poolClaimSlotSchema = new Schema({
  userId: { type: String, required: true },
  day: { type: String, required: true },
  n: { type: Number, required: true },
  leadId: { type: String, required: true },
  at: { type: Date, required: true },
});
poolClaimSlotSchema.index({ userId: 1, day: 1, n: 1 }, { unique: true });
const poolClaimSchema = new Schema({
  leadId: { type: String, required: true },
  epoch: { type: Number, required: true },
  userId: { type: String, required: true },
  at: { type: Date, required: true },
});
poolClaimSchema.index({ leadId: 1, epoch: 1 }, { unique: true });

// API keys for intake from web forms and ad platforms: only a keyed hash is stored.
const apiKeySchema = new Schema(
  {
    name: { type: String, required: true },
    prefix: { type: String, required: true },
    hash: { type: String, required: true },
    source: { type: String, enum: LEAD_SOURCES, required: true },
    createdBy: { type: String, required: true },
    revokedAt: { type: Date },
    lastUsedAt: { type: Date },
  },
  { timestamps: true },
);
apiKeySchema.index({ hash: 1 }, { unique: true });

export type LeadDoc = InferSchemaType<typeof leadSchema>;

/** Registers the lead models on a connection. */
export function registerLeadModels(conn: Connection) {
  return {
    Lead: conn.model('Lead', leadSchema) as Model<LeadDoc>,
    LeadKey: conn.model('LeadKey', leadKeySchema, 'lead_keys') as Model<
      InferSchemaType<typeof leadKeySchema>
    >,
    LeadMerge: conn.model('LeadMerge', leadMergeSchema, 'lead_merges') as Model<
      InferSchemaType<typeof leadMergeSchema>
    >,
    LeadAssignmentRule: conn.model(
      'LeadAssignmentRule',
      assignmentRuleSchema,
      'lead_assignment_rules',
    ) as Model<InferSchemaType<typeof assignmentRuleSchema>>,
    LeadAgentCapacity: conn.model('LeadAgentCapacity', agentCapacitySchema, 'lead_agent_capacity') as Model<
      InferSchemaType<typeof agentCapacitySchema>
    >,
    LeadRoundRobin: conn.model('LeadRoundRobin', roundRobinSchema, 'lead_round_robin') as Model<
      InferSchemaType<typeof roundRobinSchema>
    >,
    LeadPoolClaimSlot: conn.model('LeadPoolClaimSlot', poolClaimSlotSchema, 'lead_pool_claim_slots') as Model<
      InferSchemaType<typeof poolClaimSlotSchema>
    >,
    LeadPoolClaim: conn.model('LeadPoolClaim', poolClaimSchema, 'lead_pool_claims') as Model<
      InferSchemaType<typeof poolClaimSchema>
    >,
    LeadApiKey: conn.model('LeadApiKey', apiKeySchema, 'lead_api_keys') as Model<
      InferSchemaType<typeof apiKeySchema>
    >,
  };
}
export type LeadModels = ReturnType<typeof registerLeadModels>;
