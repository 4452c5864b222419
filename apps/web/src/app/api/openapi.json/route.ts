// GET /api/openapi.json: the OpenAPI 3.1 description of the tRPC API, generated once per
// process from the router's zod schemas.
import { appRouter, generateOpenApiDocument } from '@aigrid/api';
import { env } from '@/env';

export const dynamic = 'force-dynamic';

let cached: string | undefined;

export function GET() {
  cached ??= JSON.stringify(generateOpenApiDocument(appRouter, { baseUrl: env().NEXTAUTH_URL }));
  return new Response(cached, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
    },
  });
}
