export { createPrismaClient, type Db } from './client';
export { hashPassword, verifyPassword } from './password';
export { writeAudit, type AuditEntry } from './audit';
export * from '../generated/prisma/client';
