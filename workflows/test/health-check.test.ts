// End to end against the real Temporal dev server and a real, seeded PostgreSQL database:
// an in-process worker on its own task queue, driven through a real Client.
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { seedDemo, upsertOrganization } from '@aigrid/db/seed';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHealthCheck } from '../src/client';
import { createWorker, workflowsPath } from '../src/worker';

function temporalAddress(): string {
  const address = process.env.AIGRID_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('AIGRID_TEST_TEMPORAL_ADDRESS is not set: run through vitest');
  return address;
}

describe('healthCheckWorkflow', () => {
  const taskQueue = `test-health-check-${randomUUID()}`;
  let db: TestDatabase;
  let workerConnection: NativeConnection;
  let clientConnection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    // Only the SDK's warnings and errors: its per-state INFO lines drown the test output.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    db = await createTestDatabase();
    await seedDemo(db.prisma);
    workerConnection = await NativeConnection.connect({ address: temporalAddress() });
    worker = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      prisma: db.prisma,
    });
    running = worker.run();
    clientConnection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection: clientConnection, namespace: 'default' });
  });

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await clientConnection?.close();
    await workerConnection?.close();
    await db?.drop();
  });

  async function databaseCounts() {
    const [organizations, sites, nodes] = await Promise.all([
      db.prisma.organization.count(),
      db.prisma.site.count(),
      db.prisma.node.count(),
    ]);
    return { organizations, sites, nodes };
  }

  it('reports the counts that are in the database', async () => {
    const nordtel = { organization: { name: 'Nordtel' } };
    expect(await db.prisma.site.count({ where: nordtel })).toBe(3);
    expect(await db.prisma.node.count({ where: nordtel })).toBe(4);

    const before = Date.now();
    const result = await runHealthCheck(client, { taskQueue, timeoutMs: 20_000 });

    expect(result.database).toEqual({
      ok: true,
      ...(await databaseCounts()),
      latencyMs: expect.any(Number),
    });
    expect(result.database.sites).toBeGreaterThanOrEqual(3);
    expect(result.database.nodes).toBeGreaterThanOrEqual(4);
    expect(result.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(new Date(result.startedAt).toISOString()).toBe(result.startedAt);
    // The server's clock, so allow for a little skew against ours.
    expect(Date.parse(result.startedAt)).toBeGreaterThan(before - 5_000);
    expect(Date.parse(result.startedAt)).toBeLessThan(Date.now() + 5_000);
  });

  it('queries the database on every run', async () => {
    const first = await runHealthCheck(client, { taskQueue, timeoutMs: 20_000 });
    await upsertOrganization(db.prisma, { name: `Health ${randomUUID()}`, kinds: ['DEVELOPER'] });
    const second = await runHealthCheck(client, { taskQueue, timeoutMs: 20_000 });
    expect(second.database.organizations).toBe(first.database.organizations + 1);
    expect(second.database).toMatchObject(await databaseCounts());
  });

  it('replays its own history deterministically', async () => {
    const workflowId = `health-check-replay-${randomUUID()}`;
    await runHealthCheck(client, { taskQueue, timeoutMs: 20_000, workflowId });
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events?.length).toBeGreaterThan(0);
    await expect(Worker.runReplayHistory({ workflowsPath }, history)).resolves.toBeUndefined();
  });

  it('fails with a clear error when no worker picks it up in time', async () => {
    const idle = `test-no-worker-${randomUUID()}`;
    await expect(runHealthCheck(client, { taskQueue: idle, timeoutMs: 1_000 })).rejects.toThrow(
      `did not finish within 1000 ms: is a worker polling task queue "${idle}"?`,
    );
  });
});
