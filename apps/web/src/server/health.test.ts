import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { freePort } from '@aigrid/infra/services';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function loadCheckHealth(env: Record<string, string>) {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return (await import('./health')).checkHealth;
}

describe('checkHealth', () => {
  it('reports the database and Temporal reachable, and a missing worker on a deep check', async () => {
    const checkHealth = await loadCheckHealth({
      DATABASE_URL: t.url,
      TEMPORAL_ADDRESS: process.env.AIGRID_TEST_TEMPORAL_ADDRESS!,
      TEMPORAL_TASK_QUEUE: `no-worker-${Date.now()}`,
      NEXTAUTH_SECRET: 'x'.repeat(32),
    });
    const shallow = await checkHealth({ deep: false });
    expect(shallow).toMatchObject({
      status: 'ok',
      database: { ok: true },
      temporal: { ok: true },
    });
    const deep = await checkHealth({ deep: true });
    expect(deep.status).toBe('degraded');
    expect(deep.worker).toMatchObject({ ok: false, error: expect.stringMatching(/task queue/) });
  });

  it('reports Temporal unreachable when nothing listens at its address', async () => {
    const checkHealth = await loadCheckHealth({
      DATABASE_URL: t.url,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      NEXTAUTH_SECRET: 'x'.repeat(32),
    });
    const health = await checkHealth({ deep: false });
    expect(health).toMatchObject({
      status: 'degraded',
      database: { ok: true },
      temporal: { ok: false },
    });
  });
});
