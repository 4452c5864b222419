// The `aigrid` commands.
import { createAigridClient, getSessionUser, signInWithPassword } from '../client';
import { AigridError, toAigridError } from '../errors';
import { usdToMicros } from '../money';
import { writeConfig, type CliConfig } from './config';
import {
  allPages,
  defined,
  flag,
  intFlag,
  itemsOf,
  list,
  numberFlag,
  rec,
  str,
  UsageError,
  type Command,
  type CommandContext,
} from './framework';
import { cell, fields, table, usd } from './output';

function need(ctx: CommandContext, name: string): string {
  const v = str(ctx, name);
  if (v === undefined || v.trim() === '') throw new UsageError(`missing --${name}`);
  return v;
}

function needList(ctx: CommandContext, name: string): string[] {
  const v = list(ctx, name).filter((x) => x.trim() !== '');
  if (!v.length) throw new UsageError(`missing --${name} (give it at least once)`);
  return v;
}

function needInt(ctx: CommandContext, name: string, opts: { min?: number; max?: number }) {
  need(ctx, name);
  return intFlag(ctx, name, opts)!;
}

function needNumber(
  ctx: CommandContext,
  name: string,
  opts: { min?: number; max?: number; exclusiveMin?: boolean },
) {
  need(ctx, name);
  return numberFlag(ctx, name, opts)!;
}

function usdFlag(ctx: CommandContext, name: string): number | undefined {
  const raw = str(ctx, name);
  if (raw === undefined) return undefined;
  try {
    return usdToMicros(raw);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

function needUsd(ctx: CommandContext, name: string): number {
  need(ctx, name);
  return usdFlag(ctx, name)!;
}

function arg(ctx: CommandContext, i = 0): string {
  return ctx.args[i]!;
}

function lines(items: unknown[], empty: string, render: () => string): string {
  return items.length ? render() : empty;
}

function idempotencyFlag() {
  return {
    'idempotency-key': {
      type: 'string' as const,
      value: 'KEY',
      help: 'retrying with the same key creates it only once (8-128 characters)',
    },
  };
}

// --- sign-in ------------------------------------------------------------------------------

function describeKey(key: string): string {
  return `${key.slice(0, 12)}…`;
}

const login: Command = {
  words: ['login'],
  summary: 'sign in with an API key or e-mail and password, and save it',
  flags: {
    email: { type: 'string', value: 'EMAIL', help: 'sign in as this user (with --password)' },
    password: {
      type: 'string',
      value: 'PASSWORD',
      help: 'the password (or set AIGRID_PASSWORD, which keeps it out of the process list)',
    },
  },
  examples: [
    'aigrid login --url http://localhost:3000 --api-key agk_…',
    'AIGRID_PASSWORD=… aigrid login --email ana@example.com',
  ],
  async run(ctx) {
    const { target } = ctx;
    const email = str(ctx, 'email');
    const explicitKey = str(ctx, 'api-key') ?? ctx.io.env.AIGRID_API_KEY;
    if (email && explicitKey) {
      throw new UsageError('give either --api-key or --email, not both');
    }
    if (!email && !explicitKey) {
      throw new UsageError('missing --api-key, or --email with --password');
    }
    const url = target.url;
    if (explicitKey) {
      if (str(ctx, 'org')) {
        throw new UsageError(
          '--org does not apply to an API key: a key belongs to one organisation',
        );
      }
      const client = createAigridClient({ url, apiKey: explicitKey, fetch: ctx.io.fetch });
      let org: Record<string, unknown> | null = null;
      let note: string | undefined;
      try {
        org = rec(await client.org.current.query());
      } catch (err) {
        const e = toAigridError(err);
        if (e.code !== 'FORBIDDEN') throw e;
        note = `warning: the key is valid but cannot read its organisation (${e.message}); saved anyway.`;
      }
      const config: CliConfig = { url, apiKey: explicitKey };
      writeConfig(ctx.configFile, config);
      return {
        json: { url, auth: 'apiKey', key: describeKey(explicitKey), organization: org },
        text: org
          ? `Signed in to ${url} with API key ${describeKey(explicitKey)} of ${cell(org.name)} (${cell(org.id)}).`
          : `Saved API key ${describeKey(explicitKey)} for ${url}.`,
        note,
      };
    }
    const password = str(ctx, 'password') ?? ctx.io.env.AIGRID_PASSWORD;
    if (!password) throw new UsageError('missing --password (or set AIGRID_PASSWORD)');
    const sessionToken = await signInWithPassword({
      url,
      email: email!,
      password,
      fetch: ctx.io.fetch,
    });
    const client = createAigridClient({ url, sessionToken, fetch: ctx.io.fetch });
    const orgs = itemsOf(await client.org.list.query());
    const wanted = str(ctx, 'org');
    let org: Record<string, unknown> | undefined;
    if (wanted) {
      org = orgs.find((o) => o.id === wanted || o.slug === wanted);
      if (!org) {
        throw new AigridError('NOT_FOUND', `You are not a member of an organisation "${wanted}".`);
      }
    }
    const config: CliConfig = {
      url,
      sessionToken,
      email: email!.trim().toLowerCase(),
      ...(org ? { org: String(org.id) } : {}),
    };
    writeConfig(ctx.configFile, config);
    const current = org ?? orgs[0];
    return {
      json: {
        url,
        auth: 'session',
        email: config.email,
        organizations: orgs,
        org: config.org ?? null,
      },
      text: [
        `Signed in to ${url} as ${config.email}.`,
        current
          ? `Working in ${cell(current.name)} (${cell(current.id)})${orgs.length > 1 ? '; pick another with --org ID' : ''}.`
          : 'You have no organisation yet: create one with `aigrid orgs create`.',
      ].join('\n'),
    };
  },
};

const logout: Command = {
  words: ['logout'],
  summary: 'forget the saved credentials',
  async run(ctx) {
    const had = Boolean(ctx.config.apiKey || ctx.config.sessionToken);
    writeConfig(ctx.configFile, ctx.config.url ? { url: ctx.config.url } : {});
    return {
      json: { signedOut: had },
      text: had ? `Signed out of ${ctx.config.url ?? 'the server'}.` : 'Not signed in.',
    };
  },
};

const whoami: Command = {
  words: ['whoami'],
  summary: 'show the server, the credentials in use and the current organisation',
  async run(ctx) {
    const client = ctx.client();
    const { target } = ctx;
    let user: { id?: string; email?: string | null; name?: string | null } | null = null;
    if (target.sessionToken) {
      user = await getSessionUser({
        url: target.url,
        sessionToken: target.sessionToken,
        fetch: ctx.io.fetch,
      });
      if (!user) {
        throw new AigridError(
          'UNAUTHORIZED',
          'The saved session has expired: run `aigrid login` again.',
        );
      }
    }
    let org: Record<string, unknown> | null = null;
    let orgError: string | undefined;
    try {
      org = rec(await client.org.current.query());
    } catch (err) {
      const e = toAigridError(err);
      if (e.code !== 'PRECONDITION_FAILED' && e.code !== 'FORBIDDEN') throw e;
      orgError = e.message;
    }
    const auth = target.apiKey ? 'apiKey' : 'session';
    const pairs: [string, string][] = [['server', target.url]];
    if (target.apiKey) pairs.push(['api key', describeKey(target.apiKey)]);
    if (user) pairs.push(['user', `${user.name ?? ''} <${user.email ?? '?'}>`.trim()]);
    if (org) {
      pairs.push(['organisation', `${cell(org.name)} (${cell(org.id)})`]);
      pairs.push(['kinds', cell(org.kinds).toLowerCase()]);
      if (org.role) pairs.push(['role', cell(org.role).toLowerCase()]);
    } else {
      pairs.push(['organisation', orgError ?? '-']);
    }
    return {
      json: {
        url: target.url,
        auth,
        key: target.apiKey ? describeKey(target.apiKey) : undefined,
        user,
        organization: org,
      },
      text: fields(pairs),
    };
  },
};

// --- organisations and keys ---------------------------------------------------------------

const ORG_KINDS = { operator: 'OPERATOR', developer: 'DEVELOPER' } as const;

const orgsCreate: Command = {
  words: ['orgs', 'create'],
  summary: 'create an organisation (you become its owner)',
  flags: {
    name: { type: 'string', value: 'NAME', help: 'its name', required: true },
    kind: {
      type: 'string',
      multiple: true,
      value: 'operator|developer',
      help: 'what it does; repeat for both',
      required: true,
    },
  },
  examples: ['aigrid orgs create --name "Acme Edge" --kind operator'],
  async run(ctx) {
    const name = need(ctx, 'name');
    const kinds = needList(ctx, 'kind').map((k) => {
      const kind = ORG_KINDS[k.trim().toLowerCase() as keyof typeof ORG_KINDS];
      if (!kind) throw new UsageError(`--kind must be operator or developer, got "${k}"`);
      return kind;
    });
    const org = await ctx.client().org.create.mutate({ name, kinds: [...new Set(kinds)] });
    return {
      json: org,
      text: `Created ${org.name} (${org.id}), ${org.kinds.join(', ').toLowerCase()}. Work in it with --org ${org.id}.`,
    };
  },
};

const orgsList: Command = {
  words: ['orgs', 'list'],
  summary: 'list your organisations (signed-in users)',
  async run(ctx) {
    const orgs = await ctx.client().org.list.query();
    const current = ctx.target.org ?? orgs[0]?.id;
    return {
      json: orgs,
      text: lines(orgs, 'No organisations.', () =>
        table(
          ['', 'id', 'name', 'slug', 'kinds', 'role'],
          orgs.map((o) => [
            o.id === current ? '*' : '',
            o.id,
            o.name,
            o.slug,
            o.kinds.join(',').toLowerCase(),
            cell(o.role).toLowerCase(),
          ]),
        ),
      ),
    };
  },
};

const SCOPES = ['inference', 'provisioning', 'read'] as const;
const ENDPOINT_STATUSES = [
  'PROVISIONING',
  'ACTIVE',
  'DEGRADED',
  'PAUSED',
  'FAILED',
  'DECOMMISSIONING',
  'DECOMMISSIONED',
] as const;

const keysCreate: Command = {
  words: ['keys', 'create'],
  summary: 'create an API key; its secret is printed once',
  flags: {
    name: { type: 'string', value: 'NAME', help: 'what it is for', required: true },
    scope: {
      type: 'string',
      multiple: true,
      value: SCOPES.join('|'),
      help: 'what it may do; repeat for several',
      required: true,
    },
    expires: { type: 'string', value: 'DATE', help: 'expiry date or time, such as 2027-01-01' },
    ...idempotencyFlag(),
  },
  examples: ['aigrid keys create --name ci --scope provisioning --scope read --expires 2027-01-01'],
  async run(ctx) {
    const name = need(ctx, 'name');
    const scopes = needList(ctx, 'scope').map((s) => {
      const scope = s.trim().toLowerCase();
      if (!(SCOPES as readonly string[]).includes(scope)) {
        throw new UsageError(`--scope must be one of ${SCOPES.join(', ')}, got "${s}"`);
      }
      return scope as (typeof SCOPES)[number];
    });
    const expiresRaw = str(ctx, 'expires');
    let expiresAt: Date | undefined;
    if (expiresRaw !== undefined) {
      expiresAt = new Date(expiresRaw);
      if (!/^\d{4}-\d{2}-\d{2}/.test(expiresRaw) || Number.isNaN(expiresAt.getTime())) {
        throw new UsageError(`--expires must be a date such as 2027-01-01, got "${expiresRaw}"`);
      }
    }
    const created = await ctx.client().apiKey.create.mutate(
      defined({
        name,
        scopes: [...new Set(scopes)],
        expiresAt,
        idempotencyKey: str(ctx, 'idempotency-key'),
      }),
    );
    const k = created.apiKey;
    return {
      json: created,
      text: [
        `Created API key ${k.name} (${k.id}), scopes ${k.scopes.join(', ')}${k.expiresAt ? `, expires ${cell(k.expiresAt)}` : ''}.`,
        'Its secret, shown only this once:',
        '',
        `  ${created.secret}`,
      ].join('\n'),
    };
  },
};

const keysList: Command = {
  words: ['keys', 'list'],
  summary: 'list API keys',
  flags: { 'include-revoked': { type: 'boolean', help: 'also list revoked keys' } },
  async run(ctx) {
    const client = ctx.client();
    const includeRevoked = flag(ctx, 'include-revoked');
    const keys = await allPages((cursor) =>
      client.apiKey.list.query(defined({ cursor, limit: 100, includeRevoked })),
    );
    return {
      json: keys,
      text: lines(keys, 'No API keys.', () =>
        table(
          [
            'id',
            'name',
            'prefix',
            'scopes',
            'expires',
            'last used',
            'created',
            ...(includeRevoked ? ['revoked'] : []),
          ],
          keys.map((k) => [
            k.id,
            k.name,
            `${k.prefix}…`,
            k.scopes.join(','),
            cell(k.expiresAt),
            cell(k.lastUsedAt),
            cell(k.createdAt),
            ...(includeRevoked ? [cell(k.revokedAt)] : []),
          ]),
        ),
      ),
    };
  },
};

const keysRevoke: Command = {
  words: ['keys', 'revoke'],
  summary: 'revoke an API key: requests with it are refused from now on',
  args: [{ name: 'ID', help: 'the key id (see `aigrid keys list`)' }],
  async run(ctx) {
    const k = await ctx.client().apiKey.revoke.mutate({ id: arg(ctx) });
    return { json: k, text: `Revoked ${k.name} (${k.id}).` };
  },
};

// --- capacity -----------------------------------------------------------------------------

function siteRow(s: {
  id: string;
  name: string;
  metroId: string;
  countryCode: string;
  jurisdictions: string[];
  uplinkGbps: number;
  egressPricePerGbMicros: number;
  nodeCount: number;
}): string[] {
  return [
    s.id,
    s.name,
    s.metroId,
    s.countryCode,
    cell(s.jurisdictions),
    `${s.uplinkGbps}G`,
    usd(s.egressPricePerGbMicros),
    String(s.nodeCount),
  ];
}
const SITE_HEADERS = [
  'id',
  'name',
  'metro',
  'country',
  'jurisdictions',
  'uplink',
  'egress/GB',
  'nodes',
];

const sitesList: Command = {
  words: ['sites', 'list'],
  summary: 'list your sites (points of presence)',
  async run(ctx) {
    const client = ctx.client();
    const sites = await allPages((cursor) =>
      client.site.list.query(defined({ cursor, limit: 100 })),
    );
    return {
      json: sites,
      text: lines(sites, 'No sites.', () => table(SITE_HEADERS, sites.map(siteRow))),
    };
  },
};

const sitesCreate: Command = {
  words: ['sites', 'create'],
  summary: 'add a site (a point of presence with GPUs)',
  flags: {
    name: {
      type: 'string',
      value: 'NAME',
      help: 'its name, unique in your organisation',
      required: true,
    },
    metro: {
      type: 'string',
      value: 'METRO',
      help: 'metro id, such as frankfurt (see `aigrid metros list`)',
      required: true,
    },
    country: { type: 'string', value: 'CC', help: 'ISO country code, such as DE', required: true },
    jurisdiction: {
      type: 'string',
      multiple: true,
      value: 'TAG',
      help: 'jurisdiction it satisfies, such as EU or GDPR; repeat for several',
      required: true,
    },
    'uplink-gbps': {
      type: 'string',
      value: 'N',
      help: 'uplink capacity in Gbit/s',
      required: true,
    },
    'egress-usd-per-gb': {
      type: 'string',
      value: 'USD',
      help: 'egress price per GB in dollars, such as 0.01',
      required: true,
    },
    lat: { type: 'string', value: 'DEG', help: 'latitude (default: the metro’s)' },
    lon: { type: 'string', value: 'DEG', help: 'longitude (default: the metro’s)' },
    ...idempotencyFlag(),
  },
  examples: [
    'aigrid sites create --name fra-1 --metro frankfurt --country DE --jurisdiction EU --jurisdiction GDPR --uplink-gbps 100 --egress-usd-per-gb 0.01',
  ],
  async run(ctx) {
    const input = {
      name: need(ctx, 'name'),
      metroId: need(ctx, 'metro'),
      countryCode: need(ctx, 'country'),
      jurisdictions: needList(ctx, 'jurisdiction'),
      uplinkGbps: needInt(ctx, 'uplink-gbps', { min: 1 }),
      egressPricePerGbMicros: needUsd(ctx, 'egress-usd-per-gb'),
      lat: numberFlag(ctx, 'lat', { min: -90, max: 90 }),
      lon: numberFlag(ctx, 'lon', { min: -180, max: 180 }),
      idempotencyKey: str(ctx, 'idempotency-key'),
    };
    const site = await ctx.client().site.create.mutate(defined(input));
    return {
      json: site,
      text: `Created site ${site.name} (${site.id}) in ${site.metroId}, ${cell(site.jurisdictions)}.`,
    };
  },
};

const nodesEnroll: Command = {
  words: ['nodes', 'enroll'],
  summary: 'register a GPU node and print the one-time enrolment command for its agent',
  flags: {
    site: { type: 'string', value: 'ID', help: 'the site it is in', required: true },
    name: { type: 'string', value: 'NAME', help: 'its name, unique in the site', required: true },
    gpu: { type: 'string', value: 'GPU', help: 'GPU type, such as L40S', required: true },
    gpus: { type: 'string', value: 'N', help: 'number of GPUs', required: true },
    ...idempotencyFlag(),
  },
  examples: ['aigrid nodes enroll --site SITE_ID --name gpu-01 --gpu L40S --gpus 4'],
  async run(ctx) {
    const input = {
      siteId: need(ctx, 'site'),
      name: need(ctx, 'name'),
      gpuTypeId: need(ctx, 'gpu'),
      gpuCount: needInt(ctx, 'gpus', { min: 1 }),
      idempotencyKey: str(ctx, 'idempotency-key'),
    };
    const created = await ctx.client().node.create.mutate(defined(input));
    const node = created.node;
    return {
      json: created,
      text: [
        `Registered node ${node.name} (${node.id}) at ${node.siteName}: ${node.gpuCount} × ${node.gpuTypeId}.`,
        'Enrolment token (shown only this once, good for one enrolment):',
        '',
        `  ${created.enrolmentToken}`,
        '',
        'Run on the node:',
        '',
        `  ${created.agentCommand}`,
      ].join('\n'),
    };
  },
};

const nodesList: Command = {
  words: ['nodes', 'list'],
  summary: 'list your GPU nodes',
  flags: { site: { type: 'string', value: 'ID', help: 'only the nodes of this site' } },
  async run(ctx) {
    const siteId = str(ctx, 'site');
    const client = ctx.client();
    const nodes = await allPages((cursor) =>
      client.node.list.query(defined({ cursor, limit: 100, siteId })),
    );
    return {
      json: nodes,
      text: lines(nodes, 'No nodes.', () =>
        table(
          ['id', 'name', 'site', 'gpu', 'gpus', 'status', 'last heartbeat'],
          nodes.map((n) => [
            n.id,
            n.name,
            n.siteName,
            n.gpuTypeId,
            String(n.gpuCount),
            n.status.toLowerCase(),
            cell(n.lastHeartbeatAt),
          ]),
        ),
      ),
    };
  },
};

const nodesDrain: Command = {
  words: ['nodes', 'drain'],
  summary: 'ask a node to drain: no new replicas, existing ones move elsewhere',
  args: [{ name: 'ID', help: 'the node id' }],
  async run(ctx) {
    const node = await ctx.client().node.requestDrain.mutate({ id: arg(ctx) });
    return {
      json: node,
      text: `Drain requested for ${node.name} (${node.id}); status ${node.status.toLowerCase()}.`,
    };
  },
};

const offersCreate: Command = {
  words: ['offers', 'create'],
  summary: 'offer a share of a site’s GPUs to the market at a price',
  flags: {
    site: { type: 'string', value: 'ID', help: 'the site', required: true },
    gpu: { type: 'string', value: 'GPU', help: 'GPU type, such as L40S', required: true },
    'usd-per-gpu-hour': {
      type: 'string',
      value: 'USD',
      help: 'price per GPU-hour in dollars',
      required: true,
    },
    'usd-per-mtok': {
      type: 'string',
      value: 'USD',
      help: 'price per million tokens in dollars',
      required: true,
    },
    'share-pct': {
      type: 'string',
      value: 'PCT',
      help: 'share of those GPUs offered, 1-100',
      required: true,
    },
    'model-class': {
      type: 'string',
      value: 'CLASS',
      help: 'model class the token price applies to, such as 8b',
    },
    'quota-gpus': { type: 'string', value: 'N', help: 'at most this many GPUs' },
    ...idempotencyFlag(),
  },
  examples: [
    'aigrid offers create --site SITE_ID --gpu L40S --usd-per-gpu-hour 1.9 --usd-per-mtok 0.15 --share-pct 70',
  ],
  async run(ctx) {
    const input = {
      siteId: need(ctx, 'site'),
      gpuTypeId: need(ctx, 'gpu'),
      modelClass: str(ctx, 'model-class'),
      pricePerGpuHourMicros: needUsd(ctx, 'usd-per-gpu-hour'),
      pricePerMTokensMicros: needUsd(ctx, 'usd-per-mtok'),
      capacitySharePct: needNumber(ctx, 'share-pct', {
        min: 0,
        max: 100,
        exclusiveMin: true,
      }),
      quotaGpus: intFlag(ctx, 'quota-gpus', { min: 0 }),
      idempotencyKey: str(ctx, 'idempotency-key'),
    };
    const offer = await ctx.client().offer.create.mutate(defined(input));
    return {
      json: offer,
      text: `Created offer ${offer.id}: ${offer.capacitySharePct}% of ${offer.gpuTypeId} at ${usd(offer.pricePerGpuHourMicros)}/GPU-hour, ${usd(offer.pricePerMTokensMicros)}/M tokens.`,
    };
  },
};

const offersList: Command = {
  words: ['offers', 'list'],
  summary: 'list your offers',
  flags: {
    site: { type: 'string', value: 'ID', help: 'only the offers of this site' },
    active: { type: 'boolean', help: 'only the offers valid now' },
  },
  async run(ctx) {
    const client = ctx.client();
    const siteId = str(ctx, 'site');
    const activeOnly = flag(ctx, 'active');
    const offers = await allPages((cursor) =>
      client.offer.list.query(defined({ cursor, limit: 100, siteId, activeOnly })),
    );
    return {
      json: offers,
      text: lines(offers, 'No offers.', () =>
        table(
          ['id', 'site', 'gpu', 'class', '$/gpu-hour', '$/M tokens', 'share', 'quota', 'until'],
          offers.map((o) => [
            o.id,
            o.siteId,
            o.gpuTypeId,
            cell(o.modelClass),
            usd(o.pricePerGpuHourMicros),
            usd(o.pricePerMTokensMicros),
            `${o.capacitySharePct}%`,
            cell(o.quotaGpus),
            cell(o.validTo),
          ]),
        ),
      ),
    };
  },
};

// --- endpoints ----------------------------------------------------------------------------

function parseDemand(entries: string[]): { metroId: string; weight: number }[] {
  return entries.map((entry) => {
    const [metro, weightText, ...rest] = entry.split('=');
    const metroId = metro?.trim() ?? '';
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (
      !metroId ||
      rest.length ||
      (weightText !== undefined && !/^\s*(\d+\.?\d*|\.\d+)\s*$/.test(weightText)) ||
      !(weight > 0)
    ) {
      throw new UsageError(`--metro must be METRO=WEIGHT such as frankfurt=0.6, got "${entry}"`);
    }
    return { metroId, weight };
  });
}

function endpointFields(e: {
  id: string;
  name: string;
  modelId: string;
  status: string;
  sloTtftP95Ms: number;
  jurisdictions: string[];
  demand: { metroId: string; weight: number }[];
  expectedRps: number;
  budgetMicrosPerMonth: number | null;
  redundancy: boolean;
  createdAt: Date;
  updatedAt: Date;
}): [string, string][] {
  return [
    ['id', e.id],
    ['name', e.name],
    ['model', e.modelId],
    ['status', e.status.toLowerCase()],
    ['SLO TTFT p95', `${e.sloTtftP95Ms} ms`],
    ['jurisdictions', cell(e.jurisdictions)],
    ['demand', e.demand.map((d) => `${d.metroId}=${d.weight}`).join(' ')],
    ['expected rps', String(e.expectedRps)],
    ['budget/month', usd(e.budgetMicrosPerMonth)],
    ['redundancy', cell(e.redundancy)],
    ['created', cell(e.createdAt)],
    ['updated', cell(e.updatedAt)],
  ];
}

const endpointsCreate: Command = {
  words: ['endpoints', 'create'],
  summary: 'create an inference endpoint; the grid places replicas to meet its SLO',
  flags: {
    name: {
      type: 'string',
      value: 'NAME',
      help: 'its name, unique in your organisation',
      required: true,
    },
    model: {
      type: 'string',
      value: 'MODEL',
      help: 'model id (see `aigrid models list`)',
      required: true,
    },
    'slo-ttft-ms': {
      type: 'string',
      value: 'MS',
      help: 'time to first token, p95, in ms',
      required: true,
    },
    jurisdiction: {
      type: 'string',
      multiple: true,
      value: 'TAG',
      help: 'where it may run, such as EU; repeat for several',
      required: true,
    },
    metro: {
      type: 'string',
      multiple: true,
      value: 'METRO=WEIGHT',
      help: 'where its users are, such as frankfurt=0.6; repeat',
      required: true,
    },
    rps: { type: 'string', value: 'N', help: 'expected requests per second', required: true },
    'budget-usd': { type: 'string', value: 'USD', help: 'monthly budget in dollars' },
    'no-redundancy': { type: 'boolean', help: 'allow a single replica' },
    ...idempotencyFlag(),
  },
  examples: [
    'aigrid endpoints create --name chat --model llama-3.1-8b-instruct --slo-ttft-ms 300 --jurisdiction EU --metro frankfurt=0.6 --metro paris=0.4 --rps 5 --budget-usd 500',
  ],
  async run(ctx) {
    const input = {
      name: need(ctx, 'name'),
      modelId: need(ctx, 'model'),
      sloTtftP95Ms: needInt(ctx, 'slo-ttft-ms', { min: 1 }),
      jurisdictions: needList(ctx, 'jurisdiction'),
      demand: parseDemand(needList(ctx, 'metro')),
      expectedRps: needNumber(ctx, 'rps', { min: 0, exclusiveMin: true }),
      budgetMicrosPerMonth: usdFlag(ctx, 'budget-usd'),
      ...(flag(ctx, 'no-redundancy') ? { redundancy: false } : {}),
      idempotencyKey: str(ctx, 'idempotency-key'),
    };
    const endpoint = await ctx.client().endpoint.create.mutate(defined(input));
    return {
      json: endpoint,
      text: `Created endpoint ${endpoint.name} (${endpoint.id}), status ${endpoint.status.toLowerCase()}.`,
    };
  },
};

const endpointsList: Command = {
  words: ['endpoints', 'list'],
  summary: 'list your endpoints',
  flags: {
    status: {
      type: 'string',
      value: 'STATUS',
      help: 'only endpoints in this status, such as active',
    },
  },
  async run(ctx) {
    const client = ctx.client();
    const status = str(ctx, 'status')?.trim().toUpperCase();
    if (status !== undefined && !(ENDPOINT_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(
        `--status must be one of ${ENDPOINT_STATUSES.join(', ').toLowerCase()}, got "${str(ctx, 'status')}"`,
      );
    }
    const endpoints = await allPages((cursor) =>
      client.endpoint.list.query(
        defined({
          cursor,
          limit: 100,
          status: status as (typeof ENDPOINT_STATUSES)[number] | undefined,
        }),
      ),
    );
    return {
      json: endpoints,
      text: lines(endpoints, 'No endpoints.', () =>
        table(
          ['id', 'name', 'model', 'status', 'slo', 'jurisdictions', 'rps', 'budget/month'],
          endpoints.map((e) => [
            e.id,
            e.name,
            e.modelId,
            e.status.toLowerCase(),
            `${e.sloTtftP95Ms}ms`,
            cell(e.jurisdictions),
            String(e.expectedRps),
            usd(e.budgetMicrosPerMonth),
          ]),
        ),
      ),
    };
  },
};

const endpointsGet: Command = {
  words: ['endpoints', 'get'],
  summary: 'show an endpoint with its replicas and recent events',
  args: [{ name: 'ID', help: 'the endpoint id' }],
  async run(ctx) {
    const endpoint = await ctx.client().endpoint.get.query({ id: arg(ctx) });
    const { replicas, events } = endpoint;
    const parts = [fields(endpointFields(endpoint))];
    if (replicas.length) {
      parts.push(
        '',
        'Replicas:',
        table(
          ['id', 'node', 'site', 'state'],
          replicas.map((r) => [r.id, r.nodeId, r.siteName, r.state.toLowerCase()]),
        ),
      );
    }
    if (events.length) {
      // Newest first from the API; the ten latest, oldest first, read best.
      parts.push(
        '',
        'Recent events:',
        table(
          ['when', 'kind', 'message'],
          events
            .slice(0, 10)
            .reverse()
            .map((ev) => [cell(ev.at), ev.kind, ev.message]),
        ),
      );
    }
    return { json: endpoint, text: parts.join('\n') };
  },
};

const endpointsDelete: Command = {
  words: ['endpoints', 'delete'],
  summary: 'decommission an endpoint and release its replicas',
  args: [{ name: 'ID', help: 'the endpoint id' }],
  async run(ctx) {
    const e = await ctx.client().endpoint.delete.mutate({ id: arg(ctx) });
    return {
      json: e,
      text: `Endpoint ${e.name} (${e.id}) is ${e.status.toLowerCase()}.`,
    };
  },
};

// --- catalogue ----------------------------------------------------------------------------

const modelsList: Command = {
  words: ['models', 'list'],
  summary: 'list the models the grid can serve',
  async run(ctx) {
    const models = await ctx.anonymousClient().catalogue.models.query();
    return {
      json: models,
      text: lines(models, 'No models.', () =>
        table(
          ['id', 'name', 'params', 'memory', 'context', 'modality', 'gpus'],
          models.map((m) => [
            m.id,
            m.name,
            `${m.parametersB}B`,
            `${m.memoryGb}GB`,
            String(m.contextTokens),
            m.modality.toLowerCase(),
            cell(m.supportedGpuTypes),
          ]),
        ),
      ),
    };
  },
};

const metrosList: Command = {
  words: ['metros', 'list'],
  summary: 'list the metros sites and demand are placed in',
  async run(ctx) {
    const metros = await ctx.anonymousClient().catalogue.metros.query();
    return {
      json: metros,
      text: lines(metros, 'No metros.', () =>
        table(
          ['id', 'name', 'country', 'lat', 'lon'],
          metros.map((m) => [m.id, m.name, m.countryCode, String(m.lat), String(m.lon)]),
        ),
      ),
    };
  },
};

const gpusList: Command = {
  words: ['gpus', 'list'],
  summary: 'list the GPU types',
  async run(ctx) {
    const gpus = await ctx.anonymousClient().catalogue.gpuTypes.query();
    return {
      json: gpus,
      text: lines(gpus, 'No GPU types.', () =>
        table(
          ['id', 'name', 'vendor', 'memory'],
          gpus.map((g) => [g.id, g.name, g.vendor, `${g.memoryGb}GB`]),
        ),
      ),
    };
  },
};

export const COMMANDS: Command[] = [
  login,
  logout,
  whoami,
  orgsCreate,
  orgsList,
  keysCreate,
  keysList,
  keysRevoke,
  sitesList,
  sitesCreate,
  nodesEnroll,
  nodesList,
  nodesDrain,
  offersCreate,
  offersList,
  endpointsCreate,
  endpointsList,
  endpointsGet,
  endpointsDelete,
  modelsList,
  metrosList,
  gpusList,
];
