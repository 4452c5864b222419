// The CLI in-process against a fake server: parsing, exit codes, output and the saved config.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import superjson from 'superjson';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from './run';

let dir: string;
let configFile: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aigrid-cli-'));
  configFile = path.join(dir, 'nested', 'config.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Handler = (req: Request) => Response | Promise<Response>;

async function cli(
  argv: string[],
  handler?: Handler,
  env: Record<string, string | undefined> = {},
) {
  let stdout = '';
  let stderr = '';
  const requests: Request[] = [];
  const code = await run(argv, {
    env: { AIGRID_CONFIG: configFile, ...env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    fetch: async (input, init) => {
      const req = new Request(input as string, init);
      requests.push(req.clone());
      if (!handler) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      return handler(req);
    },
  });
  return { code, stdout, stderr, requests };
}

const ok = (data: unknown) => Response.json({ result: { data: superjson.serialize(data) } });
const fail = (code: string, httpStatus: number, message = `${code} happened`) =>
  Response.json(
    { error: superjson.serialize({ message, code: -32600, data: { code, httpStatus } }) },
    { status: httpStatus },
  );

const ENDPOINT = {
  id: 'ep1',
  name: 'chat',
  modelId: 'llama-3.1-8b-instruct',
  sloTtftP95Ms: 300,
  jurisdictions: ['EU'],
  demand: [
    { metroId: 'frankfurt', weight: 0.6 },
    { metroId: 'paris', weight: 0.4 },
  ],
  expectedRps: 5,
  budgetMicrosPerMonth: 500_000_000,
  redundancy: true,
  status: 'PROVISIONING',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

describe('usage errors exit 2 and name the flag', () => {
  it.each([
    [['endpoints', 'list', '--bogus'], /unknown flag --bogus/],
    [['endpoints', 'create', '--name', 'x'], /missing --model, --slo-ttft-ms/],
    [['endpoints', 'get'], /missing ID/],
    [['endpoints', 'get', 'a', 'b'], /unexpected argument "b"/],
    [['keys', 'create', '--name', 'x', '--scope', 'admin'], /--scope must be one of/],
    [['orgs', 'create', '--name', 'x', '--kind', 'telco'], /--kind must be operator or developer/],
    [
      [
        'sites',
        'create',
        '--name',
        'a',
        '--metro',
        'm',
        '--country',
        'DE',
        '--jurisdiction',
        'EU',
        '--uplink-gbps',
        '10',
        '--egress-usd-per-gb',
        '0.0000001',
      ],
      /--egress-usd-per-gb: .* more than 6 decimal places/,
    ],
    [
      ['nodes', 'enroll', '--site', 's', '--name', 'n', '--gpu', 'L40S', '--gpus', 'four'],
      /--gpus must be a whole number/,
    ],
    [['endpoints', 'get', 'x', '--url'], /--url needs a value/],
    [['endpoints', 'get', 'x', '--url', 'ftp://x'], /--url: /],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['login'], /missing --api-key, or --email/],
  ])('%j', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.requests).toEqual([]);
  });

  it('prints errors as JSON with --json', async () => {
    const r = await cli(['endpoints', 'list', '--bogus', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'USAGE', message: expect.stringContaining('--bogus') },
    });
  });

  it('documents the exit codes in --help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${n}  `));
  });
});

describe('exit codes from the server', () => {
  it.each([
    ['UNAUTHORIZED', 401, 3],
    ['FORBIDDEN', 403, 3],
    ['NOT_FOUND', 404, 4],
    ['BAD_REQUEST', 400, 5],
    ['CONFLICT', 409, 6],
    ['PRECONDITION_FAILED', 412, 6],
    ['TOO_MANY_REQUESTS', 429, 7],
    ['INTERNAL_SERVER_ERROR', 500, 1],
  ])('%s → %d', async (code, status, exit) => {
    const r = await cli(['endpoints', 'get', 'ep1', '--api-key', 'agk_k', '--json'], () =>
      fail(code, status, 'nope'),
    );
    expect(r.code).toBe(exit);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code, message: 'nope' } });
  });

  it('exits 8 when the server cannot be reached, 3 when not signed in', async () => {
    expect((await cli(['endpoints', 'list', '--api-key', 'agk_k'])).code).toBe(8);
    const r = await cli(['endpoints', 'list']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Not signed in/);
  });
});

describe('login and the saved config', () => {
  it('verifies a key, saves it with mode 0600 and uses it afterwards', async () => {
    const login = await cli(
      ['login', '--url', 'http://grid.test/', '--api-key', 'agk_secret123456'],
      (req) => {
        expect(req.headers.get('authorization')).toBe('Bearer agk_secret123456');
        return ok({ id: 'o1', name: 'Dev Co', kinds: ['DEVELOPER'], role: null });
      },
    );
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(
      /Signed in to http:\/\/grid\.test with API key agk_secret12… of Dev Co/,
    );
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      url: 'http://grid.test',
      apiKey: 'agk_secret123456',
    });

    const get = await cli(['endpoints', 'get', 'ep1'], (req) => {
      expect(req.headers.get('authorization')).toBe('Bearer agk_secret123456');
      expect(new URL(req.url).searchParams.get('input')).toBe(
        JSON.stringify({ json: { id: 'ep1' } }),
      );
      return ok({ ...ENDPOINT, failureReason: null, steps: [], events: [], replicas: [] });
    });
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/demand: +frankfurt=0\.6 paris=0\.4/);
    expect(get.stdout).toMatch(/budget\/month: +\$500\.00/);
  });

  it('does not save a key the server refuses', async () => {
    const r = await cli(['login', '--url', 'http://grid.test', '--api-key', 'agk_bad'], () =>
      fail('UNAUTHORIZED', 401, 'The API key is not valid.'),
    );
    expect(r.code).toBe(3);
    expect(() => statSync(configFile)).toThrow();
  });

  it('never sends saved credentials to another server', async () => {
    writeFileSync(
      path.join(dir, 'c.json'),
      JSON.stringify({ url: 'http://grid.test', apiKey: 'agk_saved' }),
    );
    configFile = path.join(dir, 'c.json');
    const r = await cli(['endpoints', 'list', '--url', 'http://elsewhere.test'], () => ok({}));
    expect(r.code).toBe(3);
    expect(r.requests).toEqual([]);
  });

  it('logs out', async () => {
    writeFileSync(
      path.join(dir, 'c.json'),
      JSON.stringify({ url: 'http://grid.test', sessionToken: 't', org: 'o1' }),
    );
    configFile = path.join(dir, 'c.json');
    const r = await cli(['logout']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ url: 'http://grid.test' });
  });
});

describe('endpoints create', () => {
  it('converts dollars to micros exactly and sends the demand', async () => {
    let sent: unknown;
    const r = await cli(
      [
        'endpoints',
        'create',
        '--name',
        'chat',
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
        '500.07',
        '--json',
      ],
      async (req) => {
        sent = ((await req.json()) as { json: unknown }).json;
        return ok(ENDPOINT);
      },
      { AIGRID_API_KEY: 'agk_env', AIGRID_URL: 'http://grid.test' },
    );
    expect(r.code).toBe(0);
    expect(sent).toEqual({
      name: 'chat',
      modelId: 'llama-3.1-8b-instruct',
      sloTtftP95Ms: 300,
      jurisdictions: ['EU'],
      demand: [
        { metroId: 'frankfurt', weight: 0.6 },
        { metroId: 'paris', weight: 0.4 },
      ],
      expectedRps: 5,
      budgetMicrosPerMonth: 500_070_000,
    });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(ENDPOINT)));
  });

  it('refuses a malformed --metro', async () => {
    const r = await cli([
      'endpoints',
      'create',
      '--name',
      'chat',
      '--model',
      'm',
      '--slo-ttft-ms',
      '300',
      '--jurisdiction',
      'EU',
      '--metro',
      'frankfurt=lots',
      '--rps',
      '5',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--metro must be METRO=WEIGHT/);
  });
});
