// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
import { migrate } from '@aigrid/db/migrate';
import { parseDevEnv } from '../env';

const env = parseDevEnv();
const url =
  env.DATABASE_URL ?? `postgresql://postgres:postgres@127.0.0.1:${env.AIGRID_PG_PORT}/aigrid`;
const result = await migrate(url);
console.log(
  result.applied.length
    ? `applied: ${result.applied.join(', ')}`
    : `up to date (${result.alreadyApplied} migrations)`,
);
