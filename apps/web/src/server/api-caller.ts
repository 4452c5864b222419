// The API's own procedures called from the portal's server actions: the same access checks,
// validation, rate limits and audit as over tRPC, as the signed-in user in the organisation the
// dashboard shows. Refusals come back as a message for the form.
import { appRouter, createApiContext, createCallerFactory, formatZodError } from '@aigrid/api';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { env } from '@/env';
import { requireOrganization } from '@/server/auth/session';
import { db } from '@/server/db';
import { gridControl } from '@/server/grid-control';

export type ActionResult<T> = { ok: true; value: T } | { ok: false; message: string };

const createCaller = createCallerFactory(appRouter);
type ApiCaller = ReturnType<typeof createCaller>;

/**
 * Runs `call` with the API as the signed-in user (a redirect to sign-in without a session); an
 * API refusal becomes `{ ok: false, message }`, anything else is thrown.
 */
export async function callApi<T>(call: (api: ApiCaller) => Promise<T>): Promise<ActionResult<T>> {
  const { user, membership } = await requireOrganization();
  const ctx = await createApiContext({
    db: db(),
    authorization: null,
    orgHeader: membership?.organizationId ?? null,
    sessionUserId: user.id,
    baseUrl: env().NEXTAUTH_URL,
    control: gridControl(),
  });
  try {
    return { ok: true, value: await call(createCaller(ctx)) };
  } catch (err) {
    if (err instanceof TRPCError) {
      const message = err.cause instanceof ZodError ? formatZodError(err.cause) : err.message;
      return { ok: false, message };
    }
    throw err;
  }
}
