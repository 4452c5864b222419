// `npm run bench:recovery`: the promise kept end to end on a whole local grid (web, worker,
// gateway, one agent with the simulated engine per demo node). Measures the time from creating
// an endpoint (the API, as the portal and CLI do) to ACTIVE and to the first token streamed
// through the gateway with the `openai` SDK; then, under steady traffic, kills the node serving
// Frankfurt (agent and engine, SIGKILL) and measures failed requests and the time until a
// replacement replica serves and the p95 time to first token is back within the SLO.
// Writes bench-results/recovery.json.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@aigrid/db';
import { DEMO_LOGINS } from '@aigrid/db/seed';
import { createAigridClient, signInWithPassword } from '@aigrid/sdk';
import OpenAI from 'openai';
import { REPO_ROOT } from '../services/paths';
import { killProcessTree } from '../services/process';
import { startThrowawayGrid } from '../throwaway-grid';
import { percentile, round, table } from './gateway/stats';

const SLO_MS = 300;
const CLIENTS = 4;
const WINDOW_MS = 5_000;

interface Sample {
  startedAt: number;
  ttftMs: number | null;
  ok: boolean;
  site: string | null;
}

async function main() {
  console.log('starting a local grid with agents (a minute or two when the web app rebuilds)…');
  const grid = await startThrowawayGrid({ name: 'recovery', agents: true });
  const db = createPrismaClient(grid.databaseUrl);
  try {
    const sessionToken = await signInWithPassword({
      url: grid.webUrl,
      email: DEMO_LOGINS.developer.email,
      password: DEMO_LOGINS.developer.password,
    });
    const api = createAigridClient({ url: grid.webUrl, sessionToken });
    const { secret } = await api.apiKey.create.mutate({ name: 'recovery', scopes: ['inference'] });
    const openai = new OpenAI({ baseURL: `${grid.gatewayUrl}/v1`, apiKey: secret, maxRetries: 0 });

    const created = Date.now();
    const endpoint = await api.endpoint.create.mutate({
      name: 'parla-voice',
      modelId: 'llama-3.1-8b-instruct',
      sloTtftP95Ms: SLO_MS,
      jurisdictions: ['EU'],
      demand: [
        { metroId: 'frankfurt', weight: 0.6 },
        { metroId: 'paris', weight: 0.4 },
      ],
      expectedRps: 5,
      redundancy: true,
      idempotencyKey: randomUUID(),
    });
    let detail = await api.endpoint.get.query({ id: endpoint.id });
    while (detail.status === 'PROVISIONING') {
      if (Date.now() - created > 180_000) throw new Error('not active after 180 s');
      await new Promise((r) => setTimeout(r, 100));
      detail = await api.endpoint.get.query({ id: endpoint.id });
    }
    const activeS = (Date.now() - created) / 1000;
    if (detail.status !== 'ACTIVE') {
      throw new Error(`endpoint ended ${detail.status}: ${detail.failureReason ?? ''}`);
    }
    for (const step of detail.steps) console.log(`  step: ${step.message}`);

    const request = async (): Promise<Sample> => {
      const startedAt = Date.now();
      try {
        const { data: stream, response } = await openai.chat.completions
          .create(
            {
              model: 'parla-voice',
              messages: [{ role: 'user', content: 'Say hello to the caller.' }],
              max_tokens: 24,
              stream: true,
            },
            { headers: { 'x-aigrid-metro': 'frankfurt' } },
          )
          .withResponse();
        let ttftMs: number | null = null;
        for await (const chunk of stream) {
          if (ttftMs === null && chunk.choices[0]?.delta?.content) ttftMs = Date.now() - startedAt;
        }
        return { startedAt, ttftMs, ok: true, site: response.headers.get('x-aigrid-site') };
      } catch {
        return { startedAt, ttftMs: null, ok: false, site: null };
      }
    };

    // The first token: retried until the gateway holds the new route (it polls every second).
    let first = await request();
    while (!first.ok) {
      if (Date.now() - created > 240_000) throw new Error('no first token after 240 s');
      first = await request();
    }
    const firstTokenS = (first.startedAt + (first.ttftMs ?? 0) - created) / 1000;
    console.log(`first token from ${first.site} in ${first.ttftMs} ms`);

    const samples: Sample[] = [];
    let stopped = false;
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (!stopped) samples.push(await request());
    });
    await new Promise((r) => setTimeout(r, 8_000));

    const serving = await db.replica.findFirst({
      where: { endpointId: endpoint.id, state: 'READY', node: { site: { metroId: 'frankfurt' } } },
      include: { node: true },
    });
    if (!serving) throw new Error('no READY replica in Frankfurt to take down');
    const agent = grid.agents.find((a) => a.name === `agent ${serving.node.name}`);
    if (!agent?.child.pid) throw new Error(`no agent process for ${serving.node.name}`);
    const killedAt = Date.now();
    killProcessTree(agent.child.pid);
    console.log(`killed node ${serving.node.name} (agent and engine)`);

    let downS: number | null = null;
    let replacementS: number | null = null;
    let recoveredS: number | null = null;
    while (Date.now() - killedAt < 180_000) {
      await new Promise((r) => setTimeout(r, 250));
      const now = Date.now();
      if (downS === null) {
        const node = await db.node.findUnique({ where: { id: serving.nodeId } });
        if (node?.status === 'DOWN') downS = (now - killedAt) / 1000;
      }
      if (replacementS === null) {
        const replacement = await db.replica.findFirst({
          where: { endpointId: endpoint.id, state: 'READY', createdAt: { gt: new Date(killedAt) } },
        });
        if (replacement) replacementS = (now - killedAt) / 1000;
      }
      const recent = samples.filter((s) => s.startedAt >= now - WINDOW_MS && s.ttftMs !== null);
      const p95 = percentile(
        recent.map((s) => s.ttftMs!),
        95,
      );
      if (replacementS !== null && recent.length >= 10 && p95 <= SLO_MS) {
        recoveredS = (now - killedAt) / 1000;
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 3_000));
    stopped = true;
    await Promise.all(clients);

    const after = samples.filter((s) => s.startedAt >= killedAt);
    const before = samples.filter((s) => s.startedAt < killedAt);
    const events = await db.endpointEvent.findMany({
      where: { endpointId: endpoint.id, at: { gte: new Date(killedAt) } },
      orderBy: { at: 'asc' },
    });
    const ttfts = (list: Sample[]) => list.flatMap((s) => (s.ttftMs === null ? [] : [s.ttftMs]));
    const results = {
      create_to_active_s: round(activeS),
      create_to_first_token_s: round(firstTokenS),
      first_ttft_ms: first.ttftMs ?? -1,
      node_loss_marked_down_s: downS ?? -1,
      node_loss_replacement_ready_s: replacementS ?? -1,
      node_loss_slo_recovered_s: recoveredS ?? -1,
      node_loss_requests: after.length,
      node_loss_failed_requests: after.filter((s) => !s.ok).length,
      ttft_p95_ms_before_loss: round(percentile(ttfts(before), 95)),
      ttft_p95_ms_after_loss: round(percentile(ttfts(after), 95)),
    };
    console.log(
      `\n${table(
        ['metric', 'value'],
        Object.entries(results).map(([k, v]) => [k, v]),
      )}`,
    );
    console.log('\nevent log after the loss:');
    for (const e of events) {
      console.log(
        `  +${((e.at.getTime() - killedAt) / 1000).toFixed(1)} s ${e.kind}: ${e.message}`,
      );
    }
    const out = path.join(REPO_ROOT, 'bench-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      path.join(out, 'recovery.json'),
      `${JSON.stringify(
        {
          area: 'recovery',
          when: new Date().toISOString(),
          machine: {
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model ?? 'unknown',
            node: process.version,
          },
          command: 'npm run bench:recovery',
          results,
          baselines: {},
          notes:
            `Throwaway grid as npm start runs it (production web build, worker, gateway, one agent ` +
            `per demo node with the simulated engine). Endpoint: llama-3.1-8b-instruct, EU, p95 ` +
            `TTFT SLO ${SLO_MS} ms, demand 60% Frankfurt / 40% Paris, redundancy on, created via ` +
            `the tRPC API. Traffic: ${CLIENTS} closed-loop streaming clients through the gateway ` +
            `with the openai SDK from Frankfurt. Loss: SIGKILL of the Frankfurt agent serving and ` +
            `its engine. Recovered = replacement READY and the p95 TTFT of requests started in ` +
            `the last ${WINDOW_MS / 1000} s within the SLO. -1 = did not happen within 180 s.`,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await db.$disconnect();
    await grid.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
