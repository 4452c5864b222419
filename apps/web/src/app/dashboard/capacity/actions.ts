'use server';
// The operator console's writes, through the API's own procedures: add a site, enrol a node
// (its one-time agent command is returned once), publish an offer.
import type { AppRouter } from '@aigrid/api';
import type { inferRouterInputs } from '@trpc/server';
import { callApi, type ActionResult } from '@/server/api-caller';

type Inputs = inferRouterInputs<AppRouter>;

export async function createSiteAction(
  input: Inputs['site']['create'],
): Promise<ActionResult<{ id: string; name: string }>> {
  return callApi(async (api) => {
    const site = await api.site.create(input);
    return { id: site.id, name: site.name };
  });
}

export async function enrolNodeAction(
  input: Inputs['node']['create'],
): Promise<ActionResult<{ name: string; agentCommand: string }>> {
  return callApi(async (api) => {
    const created = await api.node.create(input);
    return { name: created.node.name, agentCommand: created.agentCommand };
  });
}

export async function publishOfferAction(
  input: Inputs['offer']['create'],
): Promise<ActionResult<{ id: string }>> {
  return callApi(async (api) => ({ id: (await api.offer.create(input)).id }));
}
