'use server';
// The create wizard's calls, through the API's own procedures.
import type { TPlacementPreview, TPreviewEndpointInput } from '@aigrid/api';
import { callApi, type ActionResult } from '@/server/api-caller';

/** The SLOs previewed beside the one asked for: what tightening or relaxing it would do. */
const SLO_FACTORS = [0.5, 1.5] as const;

export interface WizardPreview {
  asked: TPlacementPreview;
  around: { sloMs: number; preview: TPlacementPreview | null }[];
}

/**
 * Where the endpoint would go, its latency per metro and its cost, and the same at a tighter and
 * a looser SLO (null where those are refused); reserves nothing.
 */
export async function previewEndpointAction(
  input: TPreviewEndpointInput,
): Promise<ActionResult<WizardPreview>> {
  return callApi(async (api) => {
    const others = SLO_FACTORS.map((f) => Math.max(10, Math.round(input.sloTtftP95Ms * f)));
    const [asked, around] = await Promise.all([
      api.endpoint.preview(input),
      Promise.all(
        others.map(async (sloMs) => ({
          sloMs,
          preview: await api.endpoint.preview({ ...input, sloTtftP95Ms: sloMs }).catch(() => null),
        })),
      ),
    ]);
    return { asked, around };
  });
}

/** Creates the endpoint (PROVISIONING); provisioning starts at once. */
export async function createEndpointAction(
  input: TPreviewEndpointInput & { name: string; idempotencyKey: string },
): Promise<ActionResult<{ id: string }>> {
  return callApi(async (api) => ({ id: (await api.endpoint.create(input)).id }));
}
