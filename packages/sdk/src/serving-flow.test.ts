// The whole promise on the grid `npm start` runs (web, worker, gateway, one agent with the
// simulated engine per demo node): a developer creates an endpoint with the `aigrid` CLI in a CI
// job, nothing is done by hand, the endpoint becomes active, and the official `openai` SDK
// streams an answer through the gateway from inside the endpoint's jurisdiction; the request is
// metered once with the tokens the client saw.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrismaClient, type Db } from '@aigrid/db';
import { DEMO_LOGINS } from '@aigrid/db/seed';
import type { Grid } from '@aigrid/infra/grid';
import { startThrowawayGrid } from '@aigrid/infra/throwaway-grid';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAigridClient, signInWithPassword } from './client';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../bin/aigrid.mjs');

let grid: Grid | undefined;
let db: Db | undefined;
let configDir: string;

beforeAll(async () => {
  configDir = mkdtempSync(path.join(tmpdir(), 'aigrid-serving-config-'));
  grid = await startThrowawayGrid({ name: 'serving', agents: true });
  db = createPrismaClient(grid.databaseUrl);
}, 300_000);

afterAll(async () => {
  await db?.$disconnect();
  await grid?.stop();
  rmSync(configDir, { recursive: true, force: true });
}, 60_000);

function aigrid(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, AIGRID_CONFIG: path.join(configDir, 'config.json') },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

it('creates an endpoint with the CLI and streams its first answer through the gateway', async () => {
  const { webUrl, gatewayUrl } = grid!;
  const sessionToken = await signInWithPassword({
    url: webUrl,
    email: DEMO_LOGINS.developer.email,
    password: DEMO_LOGINS.developer.password,
  });
  const developer = createAigridClient({ url: webUrl, sessionToken });
  const ci = await developer.apiKey.create.mutate({ name: 'ci', scopes: ['provisioning', 'read'] });
  const app = await developer.apiKey.create.mutate({ name: 'app', scopes: ['inference'] });

  expect((await aigrid('login', '--url', webUrl, '--api-key', ci.secret, '--json')).code).toBe(0);
  const create = await aigrid(
    'endpoints',
    'create',
    '--name',
    'voice',
    '--model',
    'llama-3.1-8b-instruct',
    '--slo-ttft-ms',
    '300',
    '--jurisdiction',
    'EU',
    '--metro',
    'frankfurt=0.6',
    '--metro',
    'paris=0.4',
    '--rps',
    '5',
    // The voice-agent startup's whole ask, budget included: it fits on the demo grid.
    '--budget-usd',
    '2000',
    '--json',
  );
  expect(create.stderr).toBe('');
  const { id } = JSON.parse(create.stdout) as { id: string };

  const active = await until(
    'endpoint status',
    async () => {
      const got = await aigrid('endpoints', 'get', id, '--json');
      return JSON.parse(got.stdout) as { status: string; steps: { message: string }[] };
    },
    (e) => e.status !== 'PROVISIONING',
    150_000,
  );
  expect(active.status).toBe('ACTIVE');
  expect(active.steps.map((s) => s.message).join('\n')).toMatch(/publishing routes/);

  // Only the key changes from the usual OpenAI snippet (and the base URL, to our gateway).
  const openai = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: app.secret, maxRetries: 0 });
  const { data: stream, response } = await until(
    'a routed answer',
    () =>
      openai.chat.completions
        .create(
          {
            model: 'voice',
            messages: [{ role: 'user', content: 'Greet the caller in one sentence.' }],
            max_tokens: 16,
            stream: true,
            stream_options: { include_usage: true },
          },
          { headers: { 'x-aigrid-metro': 'frankfurt' } },
        )
        .withResponse()
        .catch((err: unknown) => ({ data: null, response: null, err })),
    (r) => r.response !== null,
    15_000,
  );
  let text = '';
  let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
  for await (const chunk of stream!) {
    expect(chunk.model).toBe('voice');
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  expect(text.length).toBeGreaterThan(0);
  expect(usage?.completion_tokens).toBeGreaterThan(0);
  const site = response!.headers.get('x-aigrid-site');
  expect(['Frankfurt-POP-3', 'Paris-POP-1']).toContain(site);
  expect(Number(response!.headers.get('x-aigrid-ttft-ms'))).toBeGreaterThan(0);

  // Metered once, with the tokens the client saw, attributed to the site that served.
  const requestId = response!.headers.get('x-aigrid-request-id')!;
  const event = await until(
    'the usage event',
    () => db!.usageEvent.findUnique({ where: { id: requestId }, include: { site: true } }),
    (e) => e !== null,
    15_000,
  );
  expect(event).toMatchObject({
    endpointId: id,
    status: 200,
    promptTokens: usage!.prompt_tokens,
    completionTokens: usage!.completion_tokens,
    clientMetroId: 'frankfurt',
  });
  expect(event!.site?.name).toBe(site);
  expect(Number(event!.egressBytes)).toBeGreaterThan(text.length);
}, 240_000);
