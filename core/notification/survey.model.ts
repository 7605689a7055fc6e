import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

// A satisfaction survey sent 7 days after a claim is closed (product.md §3.5). The token is the only
// credential of the public answer endpoint, so only its SHA-256 is stored.
const surveySchema = new Schema(
  {
    tokenHash: { type: String, required: true },
    claimId: { type: Schema.Types.ObjectId, required: true },
    claimNumber: { type: String, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    teamId: { type: Schema.Types.ObjectId },
    branchId: { type: Schema.Types.ObjectId },
    status: { type: String, enum: ['sent', 'answered'], required: true, default: 'sent' },
    sendAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    score: { type: Number, min: 1, max: 5 },
    comment: { type: String },
    answeredAt: { type: Date },
  },
  { timestamps: true },
);
surveySchema.index({ tokenHash: 1 }, { unique: true });
// One survey per claim closure.
surveySchema.index({ claimId: 1 }, { unique: true });
surveySchema.index({ teamId: 1, answeredAt: 1 });
surveySchema.index({ branchId: 1, answeredAt: 1 });

export type SurveyDoc = InferSchemaType<typeof surveySchema>;

export function registerSurveyModels(conn: Connection) {
  return { Survey: conn.model('Survey', surveySchema) as Model<SurveyDoc> };
}
export type SurveyModels = ReturnType<typeof registerSurveyModels>;
