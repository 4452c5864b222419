// The SDK and the `aigrid` CLI against the real grid over real HTTP: embedded PostgreSQL and
// Temporal, migrations and demo data, and the production web build (`next build` runs first
// when the web app's sources changed, which can take a minute or two).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Grid } from '@aigrid/infra/grid';
import { startThrowawayGrid } from '@aigrid/infra/throwaway-grid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAigridClient, signInWithPassword, signUp, type AigridClient } from './client';
import { AigridError, toAigridError } from './errors';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '../bin/aigrid.mjs');
const PASSWORD = 'grid-pass-2468';

let grid: Grid | undefined;
let configDir: string;
let url: string;

beforeAll(async () => {
  configDir = mkdtempSync(path.join(tmpdir(), 'aigrid-sdk-config-'));
  grid = await startThrowawayGrid({ name: 'sdk', verbose: true });
  url = grid.webUrl;
}, 300_000);

afterAll(async () => {
  await grid?.stop();
  rmSync(configDir, { recursive: true, force: true });
}, 60_000);

function uniqueEmail(who: string): string {
  return `${who}-${randomBytes(4).toString('hex')}@example.com`;
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aigrid …` as a child process with its own config file. */
function aigrid(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          ...process.env,
          AIGRID_CONFIG: path.join(configDir, 'config.json'),
          AIGRID_URL: '',
          AIGRID_API_KEY: '',
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function signedUp(kind: 'OPERATOR' | 'DEVELOPER', organizationName: string) {
  const email = uniqueEmail(kind.toLowerCase());
  const { organizationId } = await signUp({
    url,
    name: `${kind === 'OPERATOR' ? 'Olga' : 'Dev'} Tester`,
    email,
    password: PASSWORD,
    organizationName,
    kind,
  });
  const sessionToken = await signInWithPassword({ url, email, password: PASSWORD });
  return { email, organizationId, sessionToken, client: createAigridClient({ url, sessionToken }) };
}

const ENDPOINT_INPUT = {
  modelId: 'llama-3.1-8b-instruct',
  sloTtftP95Ms: 300,
  jurisdictions: ['EU'],
  demand: [
    { metroId: 'frankfurt', weight: 0.6 },
    { metroId: 'paris', weight: 0.4 },
  ],
  expectedRps: 5,
  budgetMicrosPerMonth: 500_000_000,
};

describe('over HTTP', () => {
  it('refuses a made-up API key with 401', async () => {
    const res = await fetch(`${url}/api/trpc/org.current`, {
      headers: { authorization: `Bearer agk_${randomBytes(32).toString('base64url')}` },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { json: { data: { code: string } } } };
    expect(body.error.json.data.code).toBe('UNAUTHORIZED');
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths).toHaveProperty(['/api/trpc/endpoint.create', 'post']);
    expect(doc.paths).toHaveProperty(['/api/trpc/site.list', 'get']);
  });

  it('limits writes per caller with 429 and a retry-after header', async () => {
    const { client, organizationId, sessionToken } = await signedUp('DEVELOPER', 'Busy Writers');
    let limited: AigridError | undefined;
    // Counts are per minute window: 250 writes overrun the limit (120) even when a window
    // boundary falls in the middle of the loop.
    for (let i = 0; i < 250 && !limited; i += 1) {
      await client.org.update.mutate({ name: `Busy Writers ${i}` }).catch((err: unknown) => {
        limited = toAigridError(err);
      });
    }
    expect(limited?.code).toBe('TOO_MANY_REQUESTS');
    expect(limited?.details.retryAfterSeconds).toBeGreaterThan(0);
    // The same over plain HTTP: the status and the header.
    const res = await fetch(`${url}/api/trpc/org.update`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: `next-auth.session-token=${sessionToken}`,
        'x-aigrid-org': organizationId,
      },
      body: JSON.stringify({ json: { name: 'One more' } }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a wrong password with a clear error', async () => {
    const { email } = await signedUp('DEVELOPER', 'Wrong Password Ltd');
    const err = await signInWithPassword({ url, email, password: 'not-the-password-1' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AigridError);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', message: 'Wrong e-mail or password.' });
  });
});

describe('the operator and developer flow through the SDK and the CLI', () => {
  let developer: AigridClient;
  let developerOrgId: string;
  let key: { id: string; secret: string };

  it('lets an operator add a site, enrol a node and offer capacity', async () => {
    const op = await signedUp('OPERATOR', 'Edge Telco');
    const org = await op.client.org.current.query();
    expect(org).toMatchObject({ id: op.organizationId, kinds: ['OPERATOR'], role: 'OWNER' });

    const site = await op.client.site.create.mutate({
      name: 'fra-edge-1',
      metroId: 'frankfurt',
      countryCode: 'DE',
      jurisdictions: ['EU', 'GDPR'],
      uplinkGbps: 100,
      egressPricePerGbMicros: 10_000,
    });
    expect(site).toMatchObject({ name: 'fra-edge-1', metroId: 'frankfurt', lat: 50.1109 });

    const enrolment = await op.client.node.create.mutate({
      siteId: site.id,
      name: 'gpu-01',
      gpuTypeId: 'L40S',
      gpuCount: 4,
    });
    expect(enrolment.node).toMatchObject({ siteId: site.id, gpuCount: 4, status: 'ENROLLING' });
    expect(enrolment.enrolmentToken.length).toBeGreaterThan(20);
    expect(enrolment.agentCommand).toContain(enrolment.enrolmentToken);

    const offer = await op.client.offer.create.mutate({
      siteId: site.id,
      gpuTypeId: 'L40S',
      pricePerGpuHourMicros: 1_900_000,
      pricePerMTokensMicros: 150_000,
      capacitySharePct: 70,
    });
    expect(offer).toMatchObject({ siteId: site.id, capacitySharePct: 70 });
    const sites = await op.client.site.list.query({});
    expect(sites.items.map((s) => s.id)).toEqual([site.id]);
  });

  it('lets a developer create a key and, with only that key, an endpoint', async () => {
    const dev = await signedUp('DEVELOPER', 'Chat Apps');
    developer = dev.client;
    developerOrgId = dev.organizationId;
    const created = await developer.apiKey.create.mutate({
      name: 'ci',
      scopes: ['provisioning', 'read'],
    });
    expect(created.secret).toMatch(/^agk_/);
    key = { id: created.apiKey.id, secret: created.secret };

    const withKey = createAigridClient({ url, apiKey: key.secret });
    const endpoint = await withKey.endpoint.create.mutate({ name: 'chat', ...ENDPOINT_INPUT });
    expect(endpoint).toMatchObject({ name: 'chat', ...ENDPOINT_INPUT, status: 'PROVISIONING' });
    const got = await withKey.endpoint.get.query({ id: endpoint.id });
    expect(got).toMatchObject({ id: endpoint.id, name: 'chat', ...ENDPOINT_INPUT });
    expect(Array.isArray(got.events)).toBe(true);
    // The key cannot do what only signed-in users may.
    await expect(withKey.apiKey.list.query({})).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
    });
  });

  it('does the same through the CLI, with exit codes scripts can rely on', async () => {
    const login = await aigrid('login', '--url', url, '--api-key', key.secret, '--json');
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({
      url,
      auth: 'apiKey',
      organization: { id: developerOrgId },
    });

    const create = await aigrid(
      'endpoints',
      'create',
      '--name',
      'cli-chat',
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
      '--budget-usd',
      '500',
      '--json',
    );
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);
    const created = JSON.parse(create.stdout) as { id: string };
    expect(created).toMatchObject({ name: 'cli-chat', ...ENDPOINT_INPUT });

    const get = await aigrid('endpoints', 'get', created.id, '--json');
    expect(get.code).toBe(0);
    const got = JSON.parse(get.stdout) as Record<string, unknown>;
    // Provisioning starts at once (and moves status, steps and events on): compare the rest.
    const stable = (e: object) => {
      const {
        status: _s,
        updatedAt: _u,
        steps: _p,
        events: _e,
        failureReason: _f,
        ...rest
      } = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
      return rest;
    };
    expect(got).toMatchObject(stable(created));
    // The same endpoint, read through the SDK with the developer's session.
    const viaSdk = await developer.endpoint.get.query({ id: created.id });
    expect(got).toMatchObject(stable(viaSdk));

    // The preview answers for every demand metro, or says why not; it reserves nothing.
    const previewArgs = [
      'endpoints',
      'preview',
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
    ];
    const preview = await aigrid(...previewArgs, '--json');
    expect(preview.code).toBe(0);
    const placed = JSON.parse(preview.stdout) as {
      feasible: boolean;
      perMetro: { metroId: string }[];
      reasons: { message: string }[];
    };
    expect(placed.perMetro.map((m) => m.metroId).sort()).toEqual(['frankfurt', 'paris']);
    // Nodes of the throw-away grid have no agents, so nothing is healthy: the preview says so.
    expect(placed.feasible).toBe(false);
    expect(placed.reasons.length).toBeGreaterThan(0);
    const previewText = await aigrid(...previewArgs);
    expect(previewText.stdout).toMatch(/Not placeable as asked\.[\s\S]*Why not:/);

    const list = await aigrid('endpoints', 'list');
    expect(list.code).toBe(0);
    // Provisioning started at once; on this grid without agents it fails (nothing is healthy).
    expect(list.stdout).toMatch(/cli-chat +llama-3\.1-8b-instruct +(provisioning|failed)/);

    const badFlag = await aigrid('endpoints', 'create', '--name', 'x', '--bogus', 'y', '--json');
    expect(badFlag.code).toBe(2);
    expect(JSON.parse(badFlag.stderr)).toMatchObject({ error: { code: 'USAGE' } });
    expect(badFlag.stderr).toContain('--bogus');

    const missing = await aigrid('endpoints', 'get', 'no-such-endpoint', '--json');
    expect(missing.code).toBe(4);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'NOT_FOUND' } });

    const invalid = await aigrid(
      'endpoints',
      'create',
      '--name',
      'bad',
      '--model',
      'no-such-model',
      '--slo-ttft-ms',
      '300',
      '--jurisdiction',
      'EU',
      '--metro',
      'frankfurt=1',
      '--rps',
      '1',
      '--json',
    );
    expect(invalid.code).toBe(5);
    expect(JSON.parse(invalid.stderr)).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('modelId') },
    });

    await developer.apiKey.revoke.mutate({ id: key.id });
    const revoked = await aigrid('endpoints', 'list', '--json');
    expect(revoked.code).toBe(3);
    expect(JSON.parse(revoked.stderr)).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'This API key was revoked.' },
    });
  });
});
