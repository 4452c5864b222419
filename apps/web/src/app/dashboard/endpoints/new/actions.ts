'use server';
// The create wizard's calls, made through the API's own procedures (the same access checks,
// validation, rate limits and audit as tRPC), as the signed-in user in the organisation the
// dashboard shows.
import {
  appRouter,
  createApiContext,
  createCallerFactory,
  formatZodError,
  type TPlacementPreview,
  type TPreviewEndpointInput,
} from '@aigrid/api';
import { TRPCError } from '@trpc/server';
import { getServerSession } from 'next-auth';
import { ZodError } from 'zod';
import { env } from '@/env';
import { authOptions } from '@/server/auth/options';
import { requireOrganization } from '@/server/auth/session';
import { db } from '@/server/db';
import { gridControl } from '@/server/grid-control';

export type ActionResult<T> = { ok: true; value: T } | { ok: false; message: string };

async function caller() {
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

async function run<T>(call: () => Promise<T>): Promise<ActionResult<T>> {
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

/** Where the endpoint would go, its latency per metro and its cost; reserves nothing. */
export async function previewEndpointAction(
  input: TPreviewEndpointInput,
): Promise<ActionResult<TPlacementPreview>> {
  const api = await caller();
  return run(() => api.endpoint.preview(input));
}

/** Creates the endpoint (PROVISIONING); provisioning starts at once. */
export async function createEndpointAction(
  input: TPreviewEndpointInput & { name: string; idempotencyKey: string },
): Promise<ActionResult<{ id: string }>> {
  const api = await caller();
  return run(async () => ({ id: (await api.endpoint.create(input)).id }));
}
