// The API's own procedures called from the portal's server actions: the same access checks,
// validation, rate limits and audit as over tRPC, as the signed-in user in the organisation the
// dashboard shows. Refusals come back as a message for the form.
import { appRouter, createApiContext, createCallerFactory, formatZodError } from '@aigrid/api';
import { TRPCError } from '@trpc/server';
import { getServerSession } from 'next-auth';
import { ZodError } from 'zod';
import { env } from '@/env';
import { authOptions } from '@/server/auth/options';
import { requireOrganization } from '@/server/auth/session';
import { db } from '@/server/db';
import { gridControl } from '@/server/grid-control';

export type ActionResult<T> = { ok: true; value: T } | { ok: false; message: string };

export async function apiCaller() {
  const session = await getServerSession(authOptions());
  const { membership } = await requireOrganization();
  const ctx = await createApiContext({
    db: db(),
    authorization: null,
    orgHeader: membership?.organizationId ?? null,
    sessionUserId: session?.user?.id ?? null,
    baseUrl: env().NEXTAUTH_URL,
    control: gridControl(),
  });
  return createCallerFactory(appRouter)(ctx);
}

/** Runs a call; an API refusal becomes `{ ok: false, message }`, anything else is thrown. */
export async function asResult<T>(call: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    if (err instanceof TRPCError) {
      const message = err.cause instanceof ZodError ? formatZodError(err.cause) : err.message;
      return { ok: false, message };
    }
    throw err;
  }
}
