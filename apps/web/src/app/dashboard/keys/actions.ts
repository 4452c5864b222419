'use server';
// API keys from the portal, through the API's own procedures: a new key's secret is returned
// once, here, and never again.
import type { AppRouter } from '@aigrid/api';
import type { inferRouterInputs } from '@trpc/server';
import { callApi, type ActionResult } from '@/server/api-caller';

type Inputs = inferRouterInputs<AppRouter>;

export async function createApiKeyAction(
  input: Inputs['apiKey']['create'],
): Promise<ActionResult<{ name: string; secret: string }>> {
  return callApi(async (api) => {
    const created = await api.apiKey.create(input);
    return { name: created.apiKey.name, secret: created.secret };
  });
}

export async function revokeApiKeyAction(id: string): Promise<ActionResult<{ id: string }>> {
  return callApi(async (api) => ({ id: (await api.apiKey.revoke({ id })).id }));
}
