import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

// One import (dry run or real run) with its progress and totals.
const importSchema = new Schema(
  {
    fileName: { type: String, required: true },
    fileHash: { type: String, required: true },
    bytes: { type: Number, required: true },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    // The caller's scope level and placement, so GET /imports/:id is scoped like the data it made.
    teamId: { type: Schema.Types.ObjectId },
    branchId: { type: Schema.Types.ObjectId },
    dryRun: { type: Boolean, required: true },
    mapping: { type: Schema.Types.Mixed },
    columns: { type: [String], default: [] },
    unknownHeaders: { type: [String], default: [] },
    status: {
      type: String,
      enum: ['queued', 'running', 'done', 'failed', 'rolled_back'],
      required: true,
    },
    total: { type: Number, required: true, default: 0 },
    processed: { type: Number, required: true, default: 0 },
    valid: { type: Number, required: true, default: 0 },
    duplicates: { type: Number, required: true, default: 0 },
    invalid: { type: Number, required: true, default: 0 },
    createdCustomers: { type: Number, required: true, default: 0 },
    createdPolicies: { type: Number, required: true, default: 0 },
    error: { type: String },
    startedAt: { type: Date },
    finishedAt: { type: Date },
    heartbeatAt: { type: Date },
  },
  { timestamps: true },
);
importSchema.index({ createdBy: 1, createdAt: -1 });
importSchema.index({ status: 1, heartbeatAt: 1 });

// The row-by-row report (kept in the database, not in memory: a 100k-row file has 100k lines).
const importRowSchema = new Schema({
  importId: { type: Schema.Types.ObjectId, required: true },
  row: { type: Number, required: true },
  status: { type: String, enum: ['valid', 'duplicate', 'invalid'], required: true },
  action: { type: String },
  reasons: { type: [String], default: [] },
  duplicateOf: { type: String },
  name: { type: String },
  customerId: { type: String },
  policyId: { type: String },
});
importRowSchema.index({ importId: 1, row: 1 }, { unique: true });
importRowSchema.index({ importId: 1, status: 1, row: 1 });

// Write-ahead journal of what a real run creates: a failed or interrupted run deletes exactly these.
const importCreatedSchema = new Schema({
  importId: { type: Schema.Types.ObjectId, required: true },
  entity: { type: String, enum: ['customer', 'policy', 'phone'], required: true },
  ref: { type: String, required: true },
});
importCreatedSchema.index({ importId: 1, entity: 1 });

// One real run per file and owner at a time (unique insert = the lock; removed when the run ends).
const importLockSchema = new Schema({
  key: { type: String, required: true },
  importId: { type: Schema.Types.ObjectId, required: true },
  at: { type: Date, required: true },
});
importLockSchema.index({ key: 1 }, { unique: true });

/** Registers the import models on a connection. */
export function registerImportModels(conn: Connection) {
  return {
    Import: conn.model('Import', importSchema) as Model<InferSchemaType<typeof importSchema>>,
    ImportRow: conn.model('ImportRow', importRowSchema, 'import_rows') as Model<
      InferSchemaType<typeof importRowSchema>
    >,
    ImportCreated: conn.model('ImportCreated', importCreatedSchema, 'import_created') as Model<
      InferSchemaType<typeof importCreatedSchema>
    >,
    ImportLock: conn.model('ImportLock', importLockSchema, 'import_locks') as Model<
      InferSchemaType<typeof importLockSchema>
    >,
  };
}
export type ImportModels = ReturnType<typeof registerImportModels>;
