'use server';
// Platform administration from the portal, through the API's own procedures.
import { callApi, type ActionResult } from '@/server/api-caller';

/** Lets an operator's capacity appear in the marketplace. */
export async function approveOperatorAction(
  organizationId: string,
): Promise<ActionResult<{ organizationId: string }>> {
  return callApi(async (api) => ({
    organizationId: (await api.admin.approveOperator({ organizationId })).organizationId,
  }));
}
