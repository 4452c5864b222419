// The route snapshot survives the control plane: kept when it goes down or answers garbage,
// and kept on disk so a gateway restarted while the control plane is down still routes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import type { EngineHandle } from '@aigrid/engine-sim';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseGatewayEnv } from '../src/env';
import {
  createKey,
  createOrg,
  endpoint,
  replica,
  snapshot,
  startControlPlane,
  startTestEngine,
  startTestGateway,
} from './harness';

let db: TestDatabase;
let engine: EngineHandle;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  engine = await startTestEngine();
  dir = mkdtempSync(path.join(tmpdir(), 'aigrid-gateway-routes-'));
});

afterAll(async () => {
  await engine?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps routing from the last good snapshot through garbage, outages and restarts', async () => {
  const org = await createOrg(db.prisma, 'Acme');
  const { secret } = await createKey(db.prisma, org);
  const good = snapshot([
    endpoint({
      id: 'ep_1',
      organizationId: org,
      name: 'steady',
      replicas: [replica('r-1', engine.url)],
    }),
  ]);
  const control = await startControlPlane(good);
  const snapshotFile = path.join(dir, 'routes.json');
  const ask = async (url: string) =>
    (
      await new OpenAI({
        baseURL: `${url}/v1`,
        apiKey: secret,
        maxRetries: 0,
      }).chat.completions.create({
        model: 'steady',
        messages: [{ role: 'user', content: 'still there?' }],
        max_tokens: 2,
      })
    ).model;

  const first = await startTestGateway(db.prisma, control.url, { snapshotFile });
  try {
    expect(await ask(first.url)).toBe('steady');
    // Polls of an unchanged snapshot are conditional: 304 without a body.
    await new Promise((r) => setTimeout(r, 500));
    expect(control.notModified()).toBeGreaterThan(0);
    // Garbage from the control plane is refused; the held snapshot keeps serving.
    control.set({ ...good, version: 'broken', endpoints: [{ id: 42 }] } as never);
    const refresh = await fetch(`${first.url}/internal/routes/refresh`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-gateway-token' },
    });
    expect(refresh.status).toBe(502);
    expect(await ask(first.url)).toBe('steady');
    await control.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(await ask(first.url)).toBe('steady');
  } finally {
    await first.close();
  }

  // Restarted while the control plane is down: routes from the snapshot kept on disk.
  const second = await startTestGateway(db.prisma, control.url, { snapshotFile });
  try {
    const health = await (await fetch(`${second.url}/health`)).json();
    expect(health).toMatchObject({ snapshotVersion: good.version });
    expect(await ask(second.url)).toBe('steady');
  } finally {
    await second.close();
  }
});

it('reads its settings with embedded defaults and names a bad one', () => {
  const env = parseGatewayEnv({});
  expect(env).toMatchObject({
    GATEWAY_PORT: 8080,
    GATEWAY_HOST: '127.0.0.1',
    AIGRID_CONTROL_URL: 'http://127.0.0.1:3000',
    AIGRID_GATEWAY_TOKEN: 'dev-gateway-token',
    AIGRID_GATEWAY_SPOOL_DIR: '.data/gateway-spool-8080',
    AIGRID_ROUTING_POLICY: 'ours',
    AIGRID_GATEWAY_MAX_BODY_BYTES: 1024 * 1024,
    AIGRID_GATEWAY_MAX_CONCURRENT_PER_KEY: 64,
  });
  expect(env.DATABASE_URL).toMatch(/127\.0\.0\.1:55432\/aigrid$/);
  expect(() => parseGatewayEnv({ AIGRID_ROUTING_POLICY: 'fastest' })).toThrow(
    /AIGRID_ROUTING_POLICY/,
  );
  expect(() => parseGatewayEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  expect(env.AIGRID_GATEWAY_TRUSTED_PROXIES).toEqual([]);
  expect(
    parseGatewayEnv({ AIGRID_GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1/32' })
      .AIGRID_GATEWAY_TRUSTED_PROXIES,
  ).toEqual(['10.0.0.0/8', '127.0.0.1/32']);
  expect(() => parseGatewayEnv({ AIGRID_GATEWAY_TRUSTED_PROXIES: 'lb.internal' })).toThrow(
    /AIGRID_GATEWAY_TRUSTED_PROXIES/,
  );
});
