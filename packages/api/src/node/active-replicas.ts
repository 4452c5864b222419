// Capacity that serves traffic cannot be deleted: a replica that is not yet released (or failed)
// still runs, or is about to run, on its node.
import type { ReplicaState } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import type { Tx } from '../site/site-model';

export const FINISHED_REPLICA_STATES: ReplicaState[] = ['RELEASED', 'FAILED'];

/** PRECONDITION_FAILED if any replica on the node (or on any node of the site) is active. */
export async function assertNoActiveReplicas(
  tx: Tx,
  scope: { nodeId: string } | { siteId: string },
  what: string,
) {
  const active = await tx.replica.count({
    where: {
      state: { notIn: FINISHED_REPLICA_STATES },
      ...('nodeId' in scope ? { nodeId: scope.nodeId } : { node: { siteId: scope.siteId } }),
    },
  });
  if (active > 0) {
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `${what} still has ${active} active ${active === 1 ? 'replica' : 'replicas'}: ${
        'nodeId' in scope ? 'drain it' : 'drain its nodes'
      } (node.requestDrain), wait until the replicas are released, then delete it.`,
    });
  }
}
