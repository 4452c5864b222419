// Gateways poll their route snapshot here (see packages/api/src/gateway).
import { buildRouteSnapshot, serveRouteSnapshot } from '@aigrid/api';
import { db } from '@/server/db';
import { env } from '@/env';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const result = await serveRouteSnapshot({
    authorization: req.headers.get('authorization'),
    ifNoneMatch: req.headers.get('if-none-match'),
    token: env().AIGRID_GATEWAY_TOKEN,
    build: () => buildRouteSnapshot(db(), new Date()),
  });
  return new Response(result.body, { status: result.status, headers: result.headers });
}
