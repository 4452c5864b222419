// Tells the control plane's workflows about a committed change. A failed call is logged and not
// thrown: the change is already in the database, and the worker's dispatcher starts whatever
// this call did not (the database is the outbox), within a few seconds.
import type { ApiContext, GridControl } from '../context';

export async function notifyControl(
  ctx: Pick<ApiContext, 'control'>,
  call: keyof GridControl,
  id: string,
): Promise<void> {
  if (!ctx.control) return;
  try {
    await ctx.control[call](id);
  } catch (err) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'grid control call failed; the worker dispatcher picks the change up',
        call,
        id,
        error: (err as Error).message,
      }),
    );
  }
}
