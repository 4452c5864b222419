// The API's GridControl for this web process: starts and signals the control plane's workflows
// over one lazily opened Temporal connection. If Temporal is down the API call still succeeds
// (the change is committed) and the worker's dispatcher starts the workflow later.
import type { GridControl } from '@aigrid/api';
import { createGridControl } from '@aigrid/workflows/client';
import { Client, Connection } from '@temporalio/client';
import { env } from '../env';

let control: Promise<GridControl> | undefined;

function connect(): Promise<GridControl> {
  const settings = env();
  control ??= Connection.connect({ address: settings.TEMPORAL_ADDRESS, connectTimeout: 2_000 })
    .then((connection) =>
      createGridControl(new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE }), {
        taskQueue: settings.TEMPORAL_TASK_QUEUE,
      }),
    )
    .catch((err: unknown) => {
      // Try again on the next call rather than keeping a failed connection.
      control = undefined;
      throw err;
    });
  return control;
}

/** GridControl whose calls connect on first use. */
export function gridControl(): GridControl {
  const call =
    (name: keyof GridControl) =>
    async (id: string): Promise<void> =>
      (await connect())[name](id);
  return {
    endpointCreated: call('endpointCreated'),
    endpointUpdated: call('endpointUpdated'),
    endpointPaused: call('endpointPaused'),
    endpointResumed: call('endpointResumed'),
    endpointDeleted: call('endpointDeleted'),
    nodeDrainRequested: call('nodeDrainRequested'),
    nodeDrainCancelled: call('nodeDrainCancelled'),
  };
}
