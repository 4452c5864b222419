'use server';
// An endpoint's lifecycle from its page, through the API's own procedures.
import { callApi, type ActionResult } from '@/server/api-caller';

export async function pauseEndpointAction(id: string): Promise<ActionResult<{ id: string }>> {
  return callApi(async (api) => ({ id: (await api.endpoint.pause({ id })).id }));
}

export async function resumeEndpointAction(id: string): Promise<ActionResult<{ id: string }>> {
  return callApi(async (api) => ({ id: (await api.endpoint.resume({ id })).id }));
}

export async function deleteEndpointAction(id: string): Promise<ActionResult<{ id: string }>> {
  return callApi(async (api) => ({ id: (await api.endpoint.delete({ id })).id }));
}
