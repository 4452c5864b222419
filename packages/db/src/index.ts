export { createPrismaClient, type Db } from './client';
export { hashPassword, verifyPassword } from './password';
export { writeAudit, type AuditEntry } from './audit';
export { API_KEY_PREFIX, hashApiKey } from './api-key-hash';
export * from '../generated/prisma/client';
export { DEFAULT_RETENTION, pruneExpiredRows, type Pruned, type Retention } from './housekeeping';
