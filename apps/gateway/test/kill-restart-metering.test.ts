// Issue 7, end to end: "A gateway killed with SIGKILL mid-stream and restarted loses no event and
// counts none twice." The real gateway process (src/main.ts) serves complete requests and long
// streams through the official SDK; it is killed with SIGKILL while the long streams are
// mid-flight, restarted on the same spool folder, and PostgreSQL must then hold exactly one usage
// event per request: the complete ones with the usage the client saw, the interrupted ones with
// status 0. A second SIGKILL and a third start must change none of them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { catalogueModel, startEngine, type EngineHandle } from '@aigrid/engine-sim';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_STATUS } from '../src/metering';
import { createTenant, type Tenant } from '../src/metering/testing/meter-test-helpers';
import {
  killAllGatewayProcesses,
  startGatewayProcess,
  type GatewayProcess,
} from './gateway-process';
import {
  createKey,
  endpoint,
  GATEWAY_TOKEN,
  MODEL_ID,
  replica,
  snapshot,
  startControlPlane,
} from './harness';

/** Complete requests before the long streams begin, and while they are open. */
const K_BEFORE = 10;
const K_DURING = 10;
const K = K_BEFORE + K_DURING;
/** Long streams in flight when the gateway is killed. */
const M = 5;
const ENDPOINT_NAME = 'kill-chat';

let db: TestDatabase;
let tenant: Tenant;
let apiKey: string;
let engine: EngineHandle;
let control: Awaited<ReturnType<typeof startControlPlane>>;
let workDir: string;

interface Seen {
  id: string;
  promptTokens: number;
  completionTokens: number;
}

interface LongStream {
  id: string;
  firstContent: Promise<void>;
  /** Whether the stream reached its finish_reason (it must not: it is cut by the kill). */
  outcome: Promise<{ finished: boolean; chunks: number }>;
}

const client = (gw: GatewayProcess) =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 });

function requestId(response: Response): string {
  const id = response.headers.get('x-aigrid-request-id');
  if (!id) throw new Error('response without x-aigrid-request-id');
  return id;
}

/** One complete request: streaming chat with usage, plain chat, or a text completion. */
async function completeRequest(gw: GatewayProcess, i: number): Promise<Seen> {
  const openai = client(gw);
  const content = `Request ${i}: tell the grid something.`;
  const max_tokens = 8 + (i % 7);
  switch (i % 3) {
    case 0: {
      const { data: stream, response } = await openai.chat.completions
        .create({
          model: ENDPOINT_NAME,
          messages: [{ role: 'user', content }],
          max_tokens,
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse();
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
      if (!usage) throw new Error('stream without usage');
      return seen(requestId(response), usage);
    }
    case 1: {
      const { data, response } = await openai.chat.completions
        .create({ model: ENDPOINT_NAME, messages: [{ role: 'user', content }], max_tokens })
        .withResponse();
      return seen(requestId(response), data.usage);
    }
    default: {
      const { data, response } = await openai.completions
        .create({ model: ENDPOINT_NAME, prompt: content, max_tokens })
        .withResponse();
      return seen(requestId(response), data.usage);
    }
  }
}

function seen(id: string, usage: OpenAI.CompletionUsage | null | undefined): Seen {
  if (!usage) throw new Error(`no usage for ${id}`);
  return { id, promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
}

/** A stream far longer than the test: it is still going when the gateway is killed. */
async function startLongStream(gw: GatewayProcess, i: number): Promise<LongStream> {
  const { data: stream, response } = await client(gw)
    .chat.completions.create({
      model: ENDPOINT_NAME,
      messages: [{ role: 'user', content: `Long story ${i}, please.` }],
      max_tokens: 4_000,
      stream: true,
      stream_options: { include_usage: true },
      ...({ ignore_eos: true } as object),
    })
    .withResponse();
  let gotContent!: () => void;
  const firstContent = new Promise<void>((resolve) => (gotContent = resolve));
  const outcome = (async () => {
    let finished = false;
    let chunks = 0;
    try {
      for await (const chunk of stream) {
        chunks++;
        if (chunk.choices[0]?.delta.content) gotContent();
        if (chunk.choices[0]?.finish_reason) finished = true;
      }
    } catch {
      // The connection is cut by the kill: expected.
    }
    return { finished, chunks };
  })();
  return { id: requestId(response), firstContent, outcome };
}

async function startGateway(): Promise<GatewayProcess> {
  return startGatewayProcess({
    DATABASE_URL: db.url,
    AIGRID_CONTROL_URL: control.url,
    AIGRID_GATEWAY_TOKEN: GATEWAY_TOKEN,
    AIGRID_GATEWAY_SPOOL_DIR: path.join(workDir, 'spool'),
    AIGRID_GATEWAY_SNAPSHOT_FILE: path.join(workDir, 'routes.json'),
    LOG_LEVEL: process.env.GATEWAY_TEST_LOG ?? 'info',
  });
}

const rowsOf = () =>
  db.prisma.usageEvent.findMany({
    where: { organizationId: tenant.organizationId },
    orderBy: { id: 'asc' },
  });

const totals = async () => {
  const t = await db.prisma.usageEvent.aggregate({
    where: { organizationId: tenant.organizationId },
    _count: true,
    _sum: { promptTokens: true, completionTokens: true, egressBytes: true },
  });
  return { rows: t._count, ...t._sum };
};

const countRows = () =>
  db.prisma.usageEvent.count({ where: { organizationId: tenant.organizationId } });

/** Polls PostgreSQL until it holds `n` usage events (at least, or exactly); fails saying why. */
async function waitForRows(
  n: number,
  gw: GatewayProcess,
  { exact = false, timeoutMs = 15_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let rows = await countRows(); exact ? rows !== n : rows < n; rows = await countRows()) {
    if (Date.now() > deadline) {
      const log = gw.output().split('\n').slice(-20).join('\n');
      throw new Error(
        `${rows} usage events after ${timeoutMs} ms, expected ${n}; gateway:\n${log}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await createTenant(db.prisma, 'KillRestart');
  apiKey = (await createKey(db.prisma, tenant.organizationId)).secret;
  engine = await startEngine({
    port: 0,
    host: '127.0.0.1',
    modelName: MODEL_ID,
    model: catalogueModel(MODEL_ID)!,
    gpuTypeId: 'L40S',
    // Short answers take tens of ms; a 4,000-token stream would take many seconds.
    timeScale: 0.1,
    seed: 7,
  });
  control = await startControlPlane(
    snapshot([
      endpoint({
        id: tenant.endpointId,
        organizationId: tenant.organizationId,
        name: ENDPOINT_NAME,
        replicas: [replica('r-kill', engine.url)],
      }),
    ]),
  );
  workDir = await mkdtemp(path.join(tmpdir(), 'aigrid-kill-restart-'));
});

afterAll(async () => {
  await killAllGatewayProcesses();
  await control?.close();
  await engine?.close();
  await db?.drop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('gateway killed with SIGKILL mid-stream', () => {
  it('restarts losing no usage event and counting none twice', async () => {
    const first = await startGateway();
    const complete: Seen[] = [];
    for (let i = 0; i < K_BEFORE; i++) complete.push(await completeRequest(first, i));

    // Long streams open: the shipper's cursor cannot pass their `begin`s, so every request
    // completed from here on is shipped by this process and read again after the restart.
    const long = await Promise.all(Array.from({ length: M }, (_, j) => startLongStream(first, j)));
    await Promise.all(long.map((s) => s.firstContent));
    complete.push(
      ...(await Promise.all(
        Array.from({ length: K_DURING }, (_, j) => completeRequest(first, K_BEFORE + j)),
      )),
    );
    // Every complete request is in PostgreSQL before the kill: the restart re-reads the last
    // K_DURING from the spool and must not count them again.
    await waitForRows(K, first, { exact: true });

    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const received = new Map<string, number>();
    for (const s of long) {
      const { finished, chunks } = await s.outcome;
      expect(finished, `long stream ${s.id} ended before the kill`).toBe(false);
      expect(chunks).toBeGreaterThan(0);
      received.set(s.id, chunks);
    }

    const second = await startGateway();
    await waitForRows(K + M, second);

    const rows = await rowsOf();
    const ids = [...complete.map((c) => c.id), ...long.map((s) => s.id)];
    expect(new Set(ids).size).toBe(K + M);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const c of complete) {
      expect(byId.get(c.id), c.id).toMatchObject({
        organizationId: tenant.organizationId,
        endpointId: tenant.endpointId,
        replicaId: 'r-kill',
        status: 200,
        promptTokens: c.promptTokens,
        completionTokens: c.completionTokens,
      });
      expect(byId.get(c.id)!.egressBytes, c.id).toBeGreaterThan(0n);
    }
    // Interrupted by the restart: one event each, status 0, with what the stream had been sent as
    // of its last progress note (its first token, then about once a second): at least one token,
    // never more than the client received.
    for (const s of long) {
      const row = byId.get(s.id)!;
      expect(row, s.id).toMatchObject({
        organizationId: tenant.organizationId,
        endpointId: tenant.endpointId,
        replicaId: 'r-kill',
        status: INTERRUPTED_STATUS,
      });
      expect(row.promptTokens, s.id).toBeGreaterThan(0);
      expect(row.completionTokens, s.id).toBeGreaterThanOrEqual(1);
      expect(row.completionTokens, s.id).toBeLessThanOrEqual(received.get(s.id)!);
      expect(row.egressBytes, s.id).toBeGreaterThan(0n);
    }
    const cut = rows.filter((r) => received.has(r.id));
    const afterRestart = await totals();
    expect(afterRestart).toEqual({
      rows: K + M,
      promptTokens:
        complete.reduce((n, c) => n + c.promptTokens, 0) +
        cut.reduce((n, r) => n + r.promptTokens, 0),
      completionTokens:
        complete.reduce((n, c) => n + c.completionTokens, 0) +
        cut.reduce((n, r) => n + r.completionTokens, 0),
      egressBytes: rows.reduce((n, r) => n + r.egressBytes, 0n),
    });

    // Killed again and started a third time: nothing is counted again. One new request through
    // the third process shows its shipper has worked through everything the spool still holds
    // (it ships in spool order), so its row appearing means any replay has already happened.
    process.kill(second.pid, 'SIGKILL');
    expect(await second.exited).toBe('SIGKILL');
    const third = await startGateway();
    const probe = await completeRequest(third, K + M);
    await waitForRows(K + M + 1, third);
    const finalRows = await rowsOf();
    expect(finalRows.filter((r) => r.id !== probe.id)).toEqual(rows);
    expect(await totals()).toEqual({
      rows: K + M + 1,
      promptTokens: afterRestart.promptTokens! + probe.promptTokens,
      completionTokens: afterRestart.completionTokens! + probe.completionTokens,
      egressBytes:
        afterRestart.egressBytes! + finalRows.find((r) => r.id === probe.id)!.egressBytes,
    });
    await third.kill();
  });
});
