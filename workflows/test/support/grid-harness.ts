// A small real grid for the workflow tests: a fresh seeded database (the demo grid: Frankfurt
// ×2 L40S nodes, Paris H100, Ashburn H100), the agent routes served over real HTTP by the same
// domain functions the web app uses, real agent processes with the simulated engine, the Temporal
// dev server of the test run, the worker and the dispatcher in this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bearerToken, enrolAgent, generateEnrolmentToken, ingestHeartbeat } from '@aigrid/api';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { killProcessTree } from '@aigrid/infra/services';
import { seedDemo } from '@aigrid/db/seed';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { encodeHistory } from './histories';
import { createGridControl, type ControlPlaneClient } from '../../src/client';
import { DEFAULT_CONTROL_SETTINGS, type ControlSettings } from '../../src/control-settings';
import { startDispatcher, type Dispatcher } from '../../src/dispatcher';
import { createLogger } from '../../src/logger';
import { createWorker } from '../../src/worker';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const AGENT_BIN = path.join(ROOT, 'apps/agent/bin/aigrid-agent.mjs');
const HISTORIES = fileURLToPath(new URL('../histories', import.meta.url));
export const HEARTBEAT_MS = 1_000;

/** Fast settings: the whole suite runs on two shared cores. */
export const TEST_SETTINGS: ControlSettings = {
  ...DEFAULT_CONTROL_SETTINGS,
  reconcilePeriodMs: 1_000,
  drainGraceMs: 1_000,
  gatewayPollWaitMs: 0,
  nodeDownAfterMs: 3 * HEARTBEAT_MS + 500,
  nodeStartTimeoutMs: 4_000,
  modelReadyTimeoutMs: 8_000,
  scaleInAfterPasses: 1_000,
};

export function temporalAddress(): string {
  const address = process.env.AIGRID_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('AIGRID_TEST_TEMPORAL_ADDRESS is not set: run through vitest');
  return address;
}

export interface AgentHandle {
  nodeId: string;
  name: string;
  child: ChildProcess;
  output: () => string;
  /** Kills the agent and its engines (SIGKILL): the node goes silent. */
  kill(): void;
}

export async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not reached within ${ms} ms (last: ${JSON.stringify(last)})`);
}

export class TestGrid {
  db!: TestDatabase;
  client!: Client;
  control!: ControlPlaneClient;
  taskQueue = `test-control-${randomUUID()}`;
  agents = new Map<string, AgentHandle>();
  private server!: Server;
  private controlPlaneUrl = '';
  private dir = mkdtempSync(path.join(tmpdir(), 'aigrid-wf-'));
  private clientConnection?: Connection;
  private workerConnection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;
  private dispatcher?: Dispatcher;
  private portBase = 19_000 + Math.floor(Math.random() * 400) * 10;

  constructor(readonly settings: ControlSettings = TEST_SETTINGS) {}

  async start({ worker = true }: { worker?: boolean } = {}) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    this.db = await createTestDatabase();
    await seedDemo(this.db.prisma);
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.answerAgent(req.url ?? '', req.headers.authorization ?? null, body)
          .catch((err: Error) => ({
            // The database goes away at teardown while agents still heartbeat.
            status: 503,
            value: { error: { message: err.message } },
          }))
          .then(({ status, value }) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(value));
          });
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.controlPlaneUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.clientConnection = await Connection.connect({ address: temporalAddress() });
    this.client = new Client({ connection: this.clientConnection, namespace: 'default' });
    this.control = createGridControl(this.client, { taskQueue: this.taskQueue });
    if (worker) await this.startWorker();
  }

  /** The web app's agent routes, with a short heartbeat interval for the tests. */
  private async answerAgent(url: string, authorization: string | null, body: string) {
    const token = bearerToken(authorization);
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = null;
    }
    const result =
      url === '/api/agent/enrol'
        ? await enrolAgent(this.db.prisma, token, parsed, new Date())
        : await ingestHeartbeat(this.db.prisma, token, parsed, new Date());
    if (!result.ok) return { status: result.status, value: { error: { message: result.message } } };
    return {
      status: 200,
      value:
        url === '/api/agent/enrol'
          ? { ...result.value, heartbeatIntervalMs: HEARTBEAT_MS }
          : result.value,
    };
  }

  async startWorker() {
    this.workerConnection ??= await NativeConnection.connect({ address: temporalAddress() });
    this.worker = await createWorker({
      connection: this.workerConnection,
      namespace: 'default',
      taskQueue: this.taskQueue,
      prisma: this.db.prisma,
      settings: this.settings,
    });
    this.running = this.worker.run();
    this.dispatcher = startDispatcher({
      prisma: this.db.prisma,
      control: this.control,
      periodMs: 500,
      nodeDownAfterMs: this.settings.nodeDownAfterMs,
      logger: createLogger('silent'),
      rememberMs: 5_000,
    });
  }

  async stopWorker() {
    await this.dispatcher?.stop();
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
  }

  async node(name: string) {
    return this.db.prisma.node.findFirstOrThrow({ where: { name } });
  }

  /** Starts the agent of a seeded node; resolves once the node heartbeats HEALTHY. */
  async startAgent(name: string, env: Record<string, string> = {}): Promise<AgentHandle> {
    const node = await this.node(name);
    const { token, tokenHash } = generateEnrolmentToken();
    await this.db.prisma.node.update({
      where: { id: node.id },
      data: { enrolmentTokenHash: tokenHash, enrolledAt: null, agentSecretHash: null },
    });
    let out = '';
    const child = spawn(
      process.execPath,
      [
        AGENT_BIN,
        '--control-plane',
        this.controlPlaneUrl,
        '--token',
        token,
        '--state',
        path.join(this.dir, `${name}-${randomUUID()}.json`),
        '--temporal',
        temporalAddress(),
        '--time-scale',
        '0.05',
      ],
      {
        env: {
          ...process.env,
          AIGRID_GPU_TYPE: node.gpuTypeId,
          AIGRID_GPU_COUNT: String(node.gpuCount),
          AIGRID_ENGINE_PORT_BASE: String((this.portBase += 10)),
          LOG_LEVEL: 'warn',
          ...env,
        },
      },
    );
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const handle: AgentHandle = {
      nodeId: node.id,
      name,
      child,
      output: () => out,
      kill: () => {
        if (child.pid !== undefined) killProcessTree(child.pid);
      },
    };
    this.agents.set(name, handle);
    await until(
      `${name} healthy`,
      () => this.node(name),
      (n) => n.status === 'HEALTHY' && n.enrolledAt !== null,
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${out}`);
    });
    return handle;
  }

  /** Creates an endpoint of the Parla organisation as `endpoint.create` does, and tells control. */
  async createEndpoint(spec: {
    name?: string;
    sloTtftP95Ms?: number;
    jurisdictions?: string[];
    demand?: { metroId: string; weightBp: number }[];
    expectedRps?: number;
    redundancy?: boolean;
    notify?: boolean;
  }) {
    const parla = await this.db.prisma.organization.findFirstOrThrow({ where: { name: 'Parla' } });
    const endpoint = await this.db.prisma.endpoint.create({
      data: {
        organizationId: parla.id,
        name: spec.name ?? `ep-${randomUUID().slice(0, 8)}`,
        modelId: 'llama-3.1-8b-instruct',
        sloTtftP95Ms: spec.sloTtftP95Ms ?? 800,
        jurisdictions: spec.jurisdictions ?? ['EU'],
        expectedRps: spec.expectedRps ?? 1,
        redundancy: spec.redundancy ?? false,
        status: 'PROVISIONING',
        demands: { create: spec.demand ?? [{ metroId: 'frankfurt', weightBp: 10_000 }] },
        events: { create: { kind: 'created', message: 'Created.' } },
      },
    });
    if (spec.notify !== false) await this.control.endpointCreated(endpoint.id);
    return endpoint;
  }

  /** Replicas of an endpoint with their node names. */
  replicas(endpointId: string) {
    return this.db.prisma.replica.findMany({
      where: { endpointId },
      include: { node: { select: { name: true, site: { select: { jurisdictions: true } } } } },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Saves a workflow's history as a replay fixture when AIGRID_RECORD_HISTORIES=1. */
  async recordHistory(workflowId: string, fixture: string) {
    const history = await this.client.workflow.getHandle(workflowId).fetchHistory();
    if (process.env.AIGRID_RECORD_HISTORIES === '1') {
      writeFileSync(
        path.join(HISTORIES, `${fixture}.json`),
        `${JSON.stringify(encodeHistory(workflowId, history), null, 2)}\n`,
      );
    }
    return history;
  }

  async stop() {
    for (const a of this.agents.values()) a.kill();
    await this.stopWorker().catch(() => undefined);
    await this.clientConnection?.close();
    await this.workerConnection?.close();
    await new Promise((r) => this.server?.close(r));
    await this.db?.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
