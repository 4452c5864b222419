'use server';
// The create wizard's calls, through the API's own procedures.
import type { TPlacementPreview, TPreviewEndpointInput } from '@aigrid/api';
import { apiCaller, asResult, type ActionResult } from '@/server/api-caller';

/** Where the endpoint would go, its latency per metro and its cost; reserves nothing. */
export async function previewEndpointAction(
  input: TPreviewEndpointInput,
): Promise<ActionResult<TPlacementPreview>> {
  const api = await apiCaller();
  return asResult(() => api.endpoint.preview(input));
}

/** Creates the endpoint (PROVISIONING); provisioning starts at once. */
export async function createEndpointAction(
  input: TPreviewEndpointInput & { name: string; idempotencyKey: string },
): Promise<ActionResult<{ id: string }>> {
  const api = await apiCaller();
  return asResult(async () => ({ id: (await api.endpoint.create(input)).id }));
}
