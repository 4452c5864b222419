// The worker's settings: the only place in this package that reads the environment.
// Every setting has a default that works with the local dev stack (`npm start`).
import { z } from 'zod';
import { DEFAULT_CONTROL_SETTINGS, type ControlSettings } from './control-settings';

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

const positiveMs = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const gatewayUrls = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((url) => url.trim().replace(/\/$/, '')))
  .transform((urls) => urls.filter((url) => url !== ''))
  .refine(
    (urls) =>
      urls.every((url) => {
        try {
          return ['http:', 'https:'].includes(new URL(url).protocol);
        } catch {
          return false;
        }
      }),
    { message: 'must be comma-separated http(s) base URLs' },
  );

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
  /** Gateways to tell when routes change (comma-separated base URLs); they also poll. */
  AIGRID_GATEWAY_URLS: setting(gatewayUrls),
  AIGRID_GATEWAY_TOKEN: setting(z.string().min(1).default('dev-gateway-token')),
  AIGRID_RECONCILE_PERIOD_MS: setting(positiveMs(10_000)),
  AIGRID_DRAIN_GRACE_MS: setting(positiveMs(30_000)),
  AIGRID_NODE_DOWN_AFTER_MS: setting(positiveMs(15_000)),
  AIGRID_NODE_START_TIMEOUT_MS: setting(positiveMs(15_000)),
  AIGRID_DISPATCH_PERIOD_MS: setting(positiveMs(2_000)),
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

/** The workflows' pacing and gateway settings from the worker's environment. */
export function controlSettingsFromEnv(env: WorkerEnv): ControlSettings {
  return {
    ...DEFAULT_CONTROL_SETTINGS,
    gatewayUrls: env.AIGRID_GATEWAY_URLS,
    gatewayToken: env.AIGRID_GATEWAY_TOKEN,
    reconcilePeriodMs: env.AIGRID_RECONCILE_PERIOD_MS,
    drainGraceMs: env.AIGRID_DRAIN_GRACE_MS,
    nodeDownAfterMs: env.AIGRID_NODE_DOWN_AFTER_MS,
    nodeStartTimeoutMs: env.AIGRID_NODE_START_TIMEOUT_MS,
  };
}
