'use server';
// Platform administration from the portal, through the API's own procedures.
import { apiCaller, asResult, type ActionResult } from '@/server/api-caller';

/** Lets an operator's capacity appear in the marketplace. */
export async function approveOperatorAction(
  organizationId: string,
): Promise<ActionResult<{ organizationId: string }>> {
  const api = await apiCaller();
  return asResult(async () => ({
    organizationId: (await api.admin.approveOperator({ organizationId })).organizationId,
  }));
}
