// `npm run db:seed`: seeds the catalogue and the demo organisations (idempotent).
import { createPrismaClient } from '@aigrid/db';
import { DEMO_LOGINS, seedDemo } from '@aigrid/db/seed';
import { parseDevEnv } from '../env';

const env = parseDevEnv();
const url =
  env.DATABASE_URL ?? `postgresql://postgres:postgres@127.0.0.1:${env.AIGRID_PG_PORT}/aigrid`;
const prisma = createPrismaClient(url);
try {
  await seedDemo(prisma);
  console.log(`seeded; demo logins: ${DEMO_LOGINS.operator.email}, ${DEMO_LOGINS.developer.email}`);
} finally {
  await prisma.$disconnect();
}
