import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const changeSchema = new Schema(
  { field: { type: String, required: true }, before: Schema.Types.Mixed, after: Schema.Types.Mixed },
  { _id: false },
);

const auditLogSchema = new Schema({
  at: { type: Date, required: true },
  actorId: { type: String, required: true },
  actorRole: { type: String, required: true },
  source: { type: String, required: true },
  requestId: { type: String },
  ip: { type: String },
  action: { type: String, required: true },
  entity: { type: String, required: true },
  recordId: { type: String, required: true },
  changes: { type: [changeSchema], default: [] },
  note: { type: String },
});
auditLogSchema.index({ recordId: 1, at: -1 });
auditLogSchema.index({ actorId: 1, at: -1 });

// Append-only: the model refuses every update and delete, so no code path can rewrite history.
const refuse = function () {
  throw new Error('audit log is append-only');
};
for (const op of [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndDelete',
  'findOneAndReplace',
] as const) {
  auditLogSchema.pre(op, refuse);
}

export type AuditLogDoc = InferSchemaType<typeof auditLogSchema>;

export function registerAuditModels(conn: Connection) {
  return { AuditLog: conn.model('AuditLog', auditLogSchema, 'audit_logs') as Model<AuditLogDoc> };
}
export type AuditModels = ReturnType<typeof registerAuditModels>;
