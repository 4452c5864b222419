// The web app's settings, read from the environment in this one place. Embedded defaults make
// `npm start` work with nothing set; a malformed value stops start-up naming the variable.
import { z } from 'zod';

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const ZWebEnv = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: postgresUrl.default('postgresql://postgres:postgres@127.0.0.1:55432/aigrid'),
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'must be host:port')
      .default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('aigrid-control'),
    NEXTAUTH_URL: z
      .url('must be a URL such as http://localhost:3000')
      .default('http://localhost:3000'),
    NEXTAUTH_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)'),
    OIDC_ISSUER: z.url('must be the issuer URL').optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_NAME: z.string().min(1).default('Single sign-on'),
    // Shared with the gateways, which present it to fetch the route snapshot. Set a random value
    // (openssl rand -hex 32) in production, the same in the web app and every gateway.
    AIGRID_GATEWAY_TOKEN: z
      .string()
      .min(16, 'must be at least 16 characters')
      .default('dev-gateway-token'),
    // Where developers send their OpenAI requests: shown in each endpoint's snippet.
    AIGRID_GATEWAY_PUBLIC_URL: z
      .url('must be a URL such as https://inference.example.com/v1')
      .default('http://127.0.0.1:8080/v1'),
  })
  .superRefine((env, ctx) => {
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message: 'OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together',
      });
    }
  });

export type WebEnv = z.infer<typeof ZWebEnv>;

export function parseWebEnv(source: Record<string, string | undefined>): WebEnv {
  const result = ZWebEnv.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')),
  );
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'env'} ${i.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}

let cached: WebEnv | undefined;

/** The validated settings; parsed on first use so that `next build` needs none of them. */
export function env(): WebEnv {
  cached ??= parseWebEnv(process.env);
  return cached;
}
