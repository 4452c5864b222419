// Settings of `npm start` and the test harness, read from the environment in this one place.
import path from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from './services/paths';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

const ZDevEnv = z.object({
  AIGRID_DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.data')),
  AIGRID_PG_PORT: port(55432),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  WEB_PORT: port(3000),
  GATEWAY_PORT: port(8080),
  /** Shared secret of the control plane and its gateways; set your own outside this machine. */
  AIGRID_GATEWAY_TOKEN: z
    .string()
    .min(8, 'must be at least 8 characters')
    .default('dev-gateway-token'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  NEXTAUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  NEXTAUTH_URL: z.url('must be a URL').optional(),
  /** `npm run bench:gateway`: write V8 CPU profiles of the measured gateway into this folder. */
  BENCH_GATEWAY_CPU_PROF: z.string().min(1).optional(),
});

export type DevEnv = z.infer<typeof ZDevEnv>;

export function parseDevEnv(source: Record<string, string | undefined> = process.env): DevEnv {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = ZDevEnv.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}
