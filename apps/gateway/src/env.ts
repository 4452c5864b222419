// The gateway's settings: the only place in this process that reads the environment. Every
// setting has a default that works with the local dev grid (`npm start`); a malformed value stops
// start-up naming the variable (never echoing it: DATABASE_URL and the token are secrets).
import { z } from 'zod';
import { parseCidrList, ROUTING_POLICIES, type RoutingPolicy } from '@aigrid/routing';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const ZGatewayEnv = z.object({
  GATEWAY_PORT: port(8080),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .default('postgresql://postgres:postgres@127.0.0.1:55432/aigrid'),
  /** The web app, which serves the route snapshot at /api/gateway/routes. */
  AIGRID_CONTROL_URL: z.url('must be the web app URL').default('http://127.0.0.1:3000'),
  /**
   * Shared secret between the control plane and its gateways (route snapshot, route refresh).
   * The default is for the local grid only: production must set its own.
   */
  AIGRID_GATEWAY_TOKEN: z
    .string()
    .min(8, 'must be at least 8 characters')
    .default('dev-gateway-token'),
  /** Usage spool folder; default `.data/gateway-spool-<port>`. */
  AIGRID_GATEWAY_SPOOL_DIR: z.string().min(1).optional(),
  /** Last route snapshot, kept so a restart while the control plane is down still routes. */
  AIGRID_GATEWAY_SNAPSHOT_FILE: z.string().min(1).optional(),
  /** Optional file of `<ipv4>/<prefix> <metroId>` lines mapping client addresses to metros. */
  AIGRID_METRO_TABLE: z.string().min(1).optional(),
  /**
   * Load balancers in front of the gateway (IPv4 CIDRs, comma-separated) whose X-Forwarded-For
   * gives the client's address for the metro table; empty = the header is ignored.
   */
  AIGRID_GATEWAY_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseCidrList(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  AIGRID_ROUTING_POLICY: z
    .enum(ROUTING_POLICIES as [RoutingPolicy, ...RoutingPolicy[]])
    .default('ours'),
  AIGRID_GATEWAY_MAX_BODY_BYTES: positiveInt(1024 * 1024),
  AIGRID_GATEWAY_MAX_CONCURRENT_PER_KEY: positiveInt(64),
  AIGRID_GATEWAY_ROUTE_POLL_MS: positiveInt(1000),
  AIGRID_GATEWAY_LOAD_SCRAPE_MS: positiveInt(500),
  AIGRID_GATEWAY_KEY_CACHE_MS: positiveInt(2000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export type GatewayEnv = z.infer<typeof ZGatewayEnv> & {
  AIGRID_GATEWAY_SPOOL_DIR: string;
  AIGRID_GATEWAY_SNAPSHOT_FILE: string;
};

export function parseGatewayEnv(
  source: Record<string, string | undefined> = process.env,
): GatewayEnv {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = ZGatewayEnv.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  const env = result.data;
  return {
    ...env,
    AIGRID_GATEWAY_SPOOL_DIR:
      env.AIGRID_GATEWAY_SPOOL_DIR ?? `.data/gateway-spool-${env.GATEWAY_PORT}`,
    AIGRID_GATEWAY_SNAPSHOT_FILE:
      env.AIGRID_GATEWAY_SNAPSHOT_FILE ?? `.data/gateway-routes-${env.GATEWAY_PORT}.json`,
  };
}
