import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMeter, INTERRUPTED_STATUS } from './index';
import {
  completeRecord,
  createTenant,
  quietLog,
  spoolText,
  triangle,
  type Tenant,
} from './testing/meter-test-helpers';
import { startTcpProxy } from './testing/tcp-proxy';

/** A PostgreSQL that is never there. */
const DOWN_URL = 'postgresql://postgres:postgres@127.0.0.1:1/none';

let t: TestDatabase;
let tenant: Tenant;
const dirs: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  tenant = await createTenant(t.prisma, 'Metered');
});
afterAll(() => t.drop());
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aigrid-spool-'));
  dirs.push(dir);
  return dir;
}

async function waitForRows(prefix: string, expected: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await t.prisma.usageEvent.count({ where: { id: { startsWith: prefix } } });
    if (n >= expected || Date.now() > deadline) return n;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function totals(prefix: string) {
  const agg = await t.prisma.usageEvent.aggregate({
    where: { id: { startsWith: prefix } },
    _count: true,
    _sum: { promptTokens: true, completionTokens: true, egressBytes: true },
  });
  return {
    rows: agg._count,
    promptTokens: agg._sum.promptTokens ?? 0,
    completionTokens: agg._sum.completionTokens ?? 0,
    egressBytes: agg._sum.egressBytes ?? 0n,
  };
}

function record(prefix: string, n: number, meter: Awaited<ReturnType<typeof createMeter>>) {
  for (let i = 1; i <= n; i += 1) {
    const id = `${prefix}-${i}`;
    meter.begin({ ...tenant, id, at: new Date() });
    meter.end(completeRecord(tenant, id, i));
  }
}

describe('metering spool', () => {
  it('ships every event exactly once, with its counts, and deletes shipped segments', async () => {
    const dir = await tempDir();
    const meter = await createMeter({
      dir,
      databaseUrl: t.url,
      log: quietLog(),
      shipIntervalMs: 10,
      batchSize: 64,
      segmentBytes: 16 * 1024,
    });
    record('once', 500, meter);
    expect(await waitForRows('once-', 500)).toBe(500);
    await meter.close();
    // A second meter on the same folder re-ships nothing and finds nothing interrupted.
    const again = await createMeter({
      dir,
      databaseUrl: t.url,
      log: quietLog(),
      shipIntervalMs: 10,
    });
    await again.close();
    expect(await totals('once-')).toEqual({
      rows: 500,
      promptTokens: triangle(500),
      completionTokens: 2 * triangle(500),
      egressBytes: BigInt(100 * triangle(500)),
    });
    const row = await t.prisma.usageEvent.findUniqueOrThrow({ where: { id: 'once-7' } });
    expect(row).toMatchObject({
      organizationId: tenant.organizationId,
      endpointId: tenant.endpointId,
      nodeId: 'node-1',
      replicaId: 'replica-1',
      clientMetroId: 'frankfurt',
      promptTokens: 7,
      completionTokens: 14,
      egressBytes: 700n,
      ttftMs: 12.5,
      status: 200,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 7)),
    });
    // About 160 KiB of lines in 16 KiB segments: all shipped ones are gone.
    const segments = (await readdir(dir)).filter((n) => n.startsWith('segment-'));
    expect(segments.length).toBeLessThanOrEqual(2);
  });

  it('makes an end line durable within about 10 ms without waiting on the caller', async () => {
    const dir = await tempDir();
    const meter = await createMeter({
      dir,
      databaseUrl: t.url,
      log: quietLog(),
      shipIntervalMs: 1_000,
    });
    const started = performance.now();
    meter.begin({ ...tenant, id: 'durable-1', at: new Date() });
    meter.end(completeRecord(tenant, 'durable-1', 1));
    expect(performance.now() - started).toBeLessThan(5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await spoolText(dir)).toContain('"type":"end","id":"durable-1"');
    await meter.close();
    expect(await waitForRows('durable-', 1, 0)).toBe(1);
  });

  it('keeps spooling while PostgreSQL is down and ships everything when it is back', async () => {
    const admin = new URL(t.url);
    const proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port) });
    const viaProxy = new URL(t.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const dir = await tempDir();
    const meter = await createMeter({
      dir,
      databaseUrl: viaProxy.toString(),
      log: quietLog(),
      shipIntervalMs: 10,
    });
    try {
      record('outage', 300, meter);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await waitForRows('outage-', 300, 0)).toBe(0);
      expect(await spoolText(dir)).toContain('"id":"outage-300"');
      await proxy.up();
      // Backoff is at most a few seconds at this point.
      expect(await waitForRows('outage-', 300)).toBe(300);
      record('outage-later', 10, meter);
      expect(await waitForRows('outage-later-', 10)).toBe(10);
    } finally {
      await meter.close();
      await proxy.close();
    }
    expect((await totals('outage-')).rows).toBe(310);
  });

  it('ships what a meter closed during an outage left behind when the next one starts', async () => {
    const dir = await tempDir();
    const first = await createMeter({
      dir,
      databaseUrl: DOWN_URL,
      log: quietLog(),
      shipIntervalMs: 10,
      closeTimeoutMs: 200,
    });
    record('restart', 50, first);
    first.begin({ ...tenant, id: 'restart-open', at: new Date() });
    // A stream cut after some tokens: its last progress is what the client had been sent.
    first.begin({ ...tenant, id: 'restart-streaming', at: new Date() });
    first.progress(completeRecord(tenant, 'restart-streaming', 3));
    first.progress(completeRecord(tenant, 'restart-streaming', 4));
    await first.close();
    const second = await createMeter({
      dir,
      databaseUrl: t.url,
      log: quietLog(),
      shipIntervalMs: 10,
    });
    expect(await waitForRows('restart-', 52)).toBe(52);
    await second.close();
    expect(await totals('restart-')).toEqual({
      rows: 52,
      promptTokens: triangle(50) + 4,
      completionTokens: 2 * triangle(50) + 8,
      egressBytes: BigInt(100 * triangle(50) + 400),
    });
    const open = await t.prisma.usageEvent.findUniqueOrThrow({ where: { id: 'restart-open' } });
    expect(open).toMatchObject({ status: INTERRUPTED_STATUS, promptTokens: 0, egressBytes: 0n });
    const cut = await t.prisma.usageEvent.findUniqueOrThrow({
      where: { id: 'restart-streaming' },
    });
    expect(cut).toMatchObject({
      status: INTERRUPTED_STATUS,
      replicaId: 'replica-1',
      nodeId: 'node-1',
      promptTokens: 4,
      completionTokens: 8,
      egressBytes: 400n,
      ttftMs: 12.5,
    });
  });

  it('refuses a second meter on a folder in use', async () => {
    const dir = await tempDir();
    const meter = await createMeter({ dir, databaseUrl: t.url, log: quietLog() });
    await expect(createMeter({ dir, databaseUrl: t.url, log: quietLog() })).rejects.toThrow(
      /in use/,
    );
    await meter.close();
    const next = await createMeter({ dir, databaseUrl: t.url, log: quietLog() });
    await next.close();
  });

  it('drops the events of an endpoint deleted meanwhile without blocking the others', async () => {
    const dir = await tempDir();
    const doomed = await createTenant(t.prisma, 'Doomed');
    const meter = await createMeter({
      dir,
      databaseUrl: t.url,
      log: quietLog(),
      shipIntervalMs: 10,
    });
    meter.end(completeRecord(doomed, 'orphan-1', 1));
    await t.prisma.endpoint.delete({ where: { id: doomed.endpointId } });
    record('survivor', 5, meter);
    meter.end(completeRecord(doomed, 'orphan-2', 1));
    expect(await waitForRows('survivor-', 5)).toBe(5);
    await meter.close();
    expect(await t.prisma.usageEvent.count({ where: { id: { startsWith: 'orphan-' } } })).toBe(0);
  });
});

describe('metering shipper thread', () => {
  it('ships a backlog while the main thread is blocked', async () => {
    // A backlog spooled while PostgreSQL was down, shipped by the next meter.
    const dir = await tempDir();
    const first = await createMeter({
      dir,
      databaseUrl: DOWN_URL,
      log: quietLog(),
      closeTimeoutMs: 200,
    });
    record('blocked', 2_000, first);
    await first.close();
    const meter = await createMeter({
      dir,
      databaseUrl: t.url,
      log: quietLog(),
      shipIntervalMs: 10,
      batchSize: 100,
    });
    try {
      // Block this thread's event loop (no timer, I/O or promise runs) until everything is
      // shipped: a shipper on this thread could not insert anything meanwhile. The deadline only
      // bounds the wait when that never happens.
      const pause = new Int32Array(new SharedArrayBuffer(4));
      const deadline = Date.now() + 30_000;
      while (meter.shipped() < 2_000 && Date.now() < deadline) Atomics.wait(pause, 0, 0, 5);
      expect(meter.shipped()).toBe(2_000);
    } finally {
      await meter.close();
    }
    expect(await totals('blocked-')).toEqual({
      rows: 2_000,
      promptTokens: triangle(2_000),
      completionTokens: 2 * triangle(2_000),
      egressBytes: BigInt(100 * triangle(2_000)),
    });
  });

  it('logs a shipper thread that died, starts another and ships everything once', async () => {
    const dir = await tempDir();
    const logged: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
    const meter = await createMeter({
      dir,
      databaseUrl: t.url,
      log,
      shipIntervalMs: 10,
      batchSize: 50,
      testDbWrapper: new URL('./testing/crash-shipper-once.ts', import.meta.url).href,
    });
    try {
      record('respawn', 300, meter);
      expect(await waitForRows('respawn-', 300)).toBe(300);
      // The first thread died in its first INSERT, before writing a cursor: its successor
      // inserted all 300 again, the first batch as duplicates that were skipped.
      expect(meter.shipped()).toBe(300);
    } finally {
      await meter.close();
    }
    expect(await totals('respawn-')).toEqual({
      rows: 300,
      promptTokens: triangle(300),
      completionTokens: 2 * triangle(300),
      egressBytes: BigInt(100 * triangle(300)),
    });
    const deaths = logged
      .map((line) => JSON.parse(line) as { msg: string; err?: { message: string } })
      .filter((l) => l.msg === 'metering shipper thread died; restarting it');
    expect(deaths).toHaveLength(1);
    expect(deaths[0]?.err?.message).toBe('injected shipper thread crash');
  });
});
