'use server';
// An endpoint's lifecycle from its page, through the API's own procedures.
import { apiCaller, asResult, type ActionResult } from '@/server/api-caller';

export async function pauseEndpointAction(id: string): Promise<ActionResult<{ id: string }>> {
  const api = await apiCaller();
  return asResult(async () => ({ id: (await api.endpoint.pause({ id })).id }));
}

export async function resumeEndpointAction(id: string): Promise<ActionResult<{ id: string }>> {
  const api = await apiCaller();
  return asResult(async () => ({ id: (await api.endpoint.resume({ id })).id }));
}

export async function deleteEndpointAction(id: string): Promise<ActionResult<{ id: string }>> {
  const api = await apiCaller();
  return asResult(async () => ({ id: (await api.endpoint.delete({ id })).id }));
}
