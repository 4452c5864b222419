export { createPrismaClient, type Db } from './client.js';
export { hashPassword, verifyPassword } from './password.js';
export { writeAudit, type AuditEntry } from './audit.js';
export * from '../generated/prisma/client.js';
