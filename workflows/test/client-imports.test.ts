// The web app imports @aigrid/workflows and @aigrid/workflows/client: neither may load the
// worker (native, large) or the database client.
import { expect, it, vi } from 'vitest';

vi.mock('@temporalio/worker', () => {
  throw new Error('the client side loaded @temporalio/worker');
});
vi.mock('@aigrid/db', () => {
  throw new Error('the client side loaded @aigrid/db');
});

it('loads the public entry points without the worker or the database', async () => {
  const client = await import('@aigrid/workflows/client');
  const index = await import('@aigrid/workflows');
  expect(typeof client.runHealthCheck).toBe('function');
  expect(index.runHealthCheck).toBe(client.runHealthCheck);
  expect(index.createGridControl).toBe(client.createGridControl);
  expect(Object.keys(index).sort()).toEqual([
    'createGridControl',
    'decommissionWorkflowId',
    'drainWorkflowId',
    'provisionWorkflowId',
    'reconcileWorkflowId',
    'runHealthCheck',
  ]);
});
