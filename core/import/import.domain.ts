import type { AuditService } from '../audit/audit.service.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { PiiCipher } from '../security/pii.js';
import type { UserRepository } from '../user/user.repository.js';
import { createImportService, type ImportLimits } from './import.service.js';

/** Imports wired once (the API and the CLI share this). */
export function createImportDomain(deps: {
  db: Database;
  users: UserRepository;
  pii: PiiCipher;
  audit: AuditService;
  clock: () => Date;
  logger: Logger;
  limits?: ImportLimits | undefined;
}) {
  return { imports: createImportService({ ...deps, models: deps.db.models }) };
}
