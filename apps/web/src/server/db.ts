import { createPrismaClient, type Db } from '@aigrid/db';
import { env } from '../env';

const globalForDb = globalThis as unknown as { aigridDb?: Db };

/** The process-wide Prisma client (kept across hot reloads in development). */
export function db(): Db {
  globalForDb.aigridDb ??= createPrismaClient(env().DATABASE_URL);
  return globalForDb.aigridDb;
}
