import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ROLES } from '../auth/scope.js';

const branchSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    region: { type: String, trim: true },
  },
  { timestamps: true },
);
branchSchema.index({ name: 1 }, { unique: true });

const teamSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    branchId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true },
);
teamSchema.index({ branchId: 1, name: 1 }, { unique: true });

const userSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    role: { type: String, enum: ROLES, required: true },
    // Every staff member has a WeCom account; the bot and notifications address them by it.
    wecomUserId: { type: String, required: true, trim: true },
    teamId: { type: Schema.Types.ObjectId },
    branchId: { type: Schema.Types.ObjectId },
    region: { type: String, trim: true },
    productLines: { type: [String], default: [] },
    active: { type: Boolean, required: true, default: true },
    deactivatedAt: { type: Date },
  },
  { timestamps: true },
);
userSchema.index({ wecomUserId: 1 }, { unique: true });
userSchema.index({ teamId: 1, active: 1 });
userSchema.index({ branchId: 1, active: 1 });

export type BranchDoc = InferSchemaType<typeof branchSchema>;
export type TeamDoc = InferSchemaType<typeof teamSchema>;
export type UserDoc = InferSchemaType<typeof userSchema>;

/** Registers the org models on a connection. */
export function registerUserModels(conn: Connection) {
  return {
    Branch: conn.model('Branch', branchSchema) as Model<BranchDoc>,
    Team: conn.model('Team', teamSchema) as Model<TeamDoc>,
    User: conn.model('User', userSchema) as Model<UserDoc>,
  };
}
export type UserModels = ReturnType<typeof registerUserModels>;
