import { appRouter, createApiContext } from '@aigrid/api';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getServerSession } from 'next-auth';
import { env } from '@/env';
import { authOptions } from '@/server/auth/options';
import { db } from '@/server/db';
import { gridControl } from '@/server/grid-control';

export const dynamic = 'force-dynamic';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    async createContext() {
      const authorization = req.headers.get('authorization');
      // A request with a key is judged by the key alone, never by a cookie riding along.
      const session = authorization ? null : await getServerSession(authOptions());
      return createApiContext({
        db: db(),
        authorization,
        orgHeader: req.headers.get('x-aigrid-org'),
        sessionUserId: session?.user?.id ?? null,
        baseUrl: env().NEXTAUTH_URL,
        control: gridControl(),
      });
    },
    responseMeta({ errors }) {
      const retry = errors
        .map((e) => (e.cause as { seconds?: number } | undefined)?.seconds)
        .find((s) => typeof s === 'number');
      return retry ? { headers: new Headers({ 'retry-after': String(retry) }) } : {};
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        console.error(
          JSON.stringify({ level: 'error', msg: 'api error', path, error: error.message }),
        );
      }
    },
  });
}

export { handler as GET, handler as POST };
