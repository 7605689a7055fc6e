import mongoose, { type Connection } from 'mongoose';
import { registerComplianceModels } from '../compliance/compliance.model.js';
import { registerAuditModels } from '../audit/audit.model.js';
import { registerClaimModels } from '../claim/claim.model.js';
import { registerCustomerAuthModels } from '../customer-auth/customer-auth.model.js';
import { registerCustomerModels } from '../customer/customer.model.js';
import { registerEventModels } from '../events/events.model.js';
import { registerInteractionModels } from '../interaction/interaction.model.js';
import { registerImportModels } from '../import/import.model.js';
import { registerLeadModels } from '../lead/lead.model.js';
import type { Logger } from '../logger.js';
import { registerNotificationModels } from '../notification/notification.model.js';
import { registerSurveyModels } from '../notification/survey.model.js';
import { registerPolicyModels } from '../policy/policy.model.js';
import { registerTaskModels } from '../task/task.model.js';
import { registerTicketModels } from '../ticket/ticket.model.js';
import { registerUserModels } from '../user/user.model.js';
import { registerWecomModels } from '../wecom/wecom.model.js';

/** Every model of the application, registered on one connection. Domains add theirs here. */
function registerModels(conn: Connection) {
  return {
    ...registerUserModels(conn),
    ...registerComplianceModels(conn),
    ...registerNotificationModels(conn),
    ...registerSurveyModels(conn),
    ...registerCustomerModels(conn),
    ...registerCustomerAuthModels(conn),
    ...registerPolicyModels(conn),
    ...registerClaimModels(conn),
    ...registerInteractionModels(conn),
    ...registerTaskModels(conn),
    ...registerTicketModels(conn),
    ...registerEventModels(conn),
    ...registerAuditModels(conn),
    ...registerWecomModels(conn),
    ...registerLeadModels(conn),
    ...registerImportModels(conn),
  };
}
export type Models = ReturnType<typeof registerModels>;

/** An open database: its models, a readiness probe and a close. */
export interface Database {
  connection: Connection;
  models: Models;
  /** Resolves 'ok' or rejects with the reason the database is not usable right now. */
  ping(timeoutMs?: number): Promise<'ok'>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  uri: string;
  dbName: string;
  logger: Logger;
  /** Attempts before giving up at start (the embedded DB or a container may still be starting). */
  attempts?: number;
  retryDelayMs?: number;
}

/**
 * Connects with retry, registers the models and creates their indexes (unique indexes are part
 * of correctness here: dedupe keys, one user per WeCom id), then returns the handle.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const attempts = opts.attempts ?? 10;
  const delay = opts.retryDelayMs ?? 500;
  let conn: Connection | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      conn = await mongoose
        .createConnection(opts.uri, {
          dbName: opts.dbName,
          serverSelectionTimeoutMS: 5000,
          // Fail fast instead of queueing operations while disconnected: readyz and requests answer now.
          bufferCommands: false,
          autoIndex: false,
        })
        .asPromise();
      break;
    } catch (err) {
      if (attempt >= attempts) {
        throw new Error(`could not connect to MongoDB after ${attempt} attempts: ${(err as Error).message}`, {
          cause: err,
        });
      }
      opts.logger.warn({ attempt, err: (err as Error).message }, 'database not reachable yet, retrying');
      await new Promise((r) => setTimeout(r, Math.min(delay * attempt, 5000)));
    }
  }
  const models = registerModels(conn);
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
  opts.logger.info({ db: opts.dbName, models: Object.keys(models).length }, 'database ready');

  const connection = conn;
  return {
    connection,
    models,
    async ping(timeoutMs = 1500) {
      const db = connection.db;
      if (!db || connection.readyState !== mongoose.ConnectionStates.connected) {
        throw new Error('not connected');
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          db.command({ ping: 1 }),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
      return 'ok';
    },
    async close() {
      await connection.close();
    },
  };
}
