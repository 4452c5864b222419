// The worker's settings: the only place in this package that reads the environment.
// Every setting has a default that works with the local dev stack (`npm start`).
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Blank values count as unset, so `FOO=` in a .env file falls back to the default. */
function setting<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

const databaseUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.host !== '';
    } catch {
      return false;
    }
  },
  // Never echo the value: it holds the database password.
  { message: 'must be a postgres:// or postgresql:// URL' },
);

const temporalAddress = z.string().refine(
  (value) => {
    const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(value);
    const port = Number(match?.[2]);
    return match !== null && port >= 1 && port <= 65535;
  },
  { message: 'must be host:port, e.g. 127.0.0.1:7233' },
);

const name = (what: string) =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    message: `must be a ${what} name (letters, digits, '.', '_' or '-')`,
  });

const WorkerEnvSchema = z.object({
  DATABASE_URL: setting(
    databaseUrl.default('postgresql://postgres:postgres@127.0.0.1:55432/aigrid'),
  ),
  TEMPORAL_ADDRESS: setting(temporalAddress.default('127.0.0.1:7233')),
  TEMPORAL_NAMESPACE: setting(name('namespace').default('default')),
  TEMPORAL_TASK_QUEUE: setting(name('task queue').default('aigrid-control')),
  LOG_LEVEL: setting(
    z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
});

export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;
export type LogLevel = WorkerEnv['LOG_LEVEL'];

/**
 * Reads and validates the worker's settings. Throws an Error naming each bad variable,
 * e.g. `Invalid environment: DATABASE_URL must be a postgres:// or postgresql:// URL`.
 */
export function loadWorkerEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const result = WorkerEnvSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || 'environment';
    const message = issue.code === 'invalid_type' ? 'must be a string' : issue.message;
    return `${variable} ${message}`;
  });
  throw new Error(`Invalid environment: ${problems.join('; ')}`);
}
