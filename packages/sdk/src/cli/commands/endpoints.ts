// The `aigrid endpoints` commands (inference endpoints).
import { allPages, defined, flag, str, UsageError, type Command } from '../framework';
import { cell, fields, table, usd } from '../output';
import {
  arg,
  idempotencyFlag,
  lines,
  need,
  needInt,
  needList,
  needNumber,
  usdFlag,
} from './command-helpers';

const ENDPOINT_STATUSES = [
  'PROVISIONING',
  'ACTIVE',
  'DEGRADED',
  'PAUSED',
  'FAILED',
  'DECOMMISSIONING',
  'DECOMMISSIONED',
] as const;

export function parseDemand(entries: string[]): { metroId: string; weight: number }[] {
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

export const endpointsCreate: Command = {
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

export const endpointsList: Command = {
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

export const endpointsGet: Command = {
  words: ['endpoints', 'get'],
  summary: 'show an endpoint with its replicas and recent events',
  args: [{ name: 'ID', help: 'the endpoint id' }],
  async run(ctx) {
    const endpoint = await ctx.client().endpoint.get.query({ id: arg(ctx) });
    const { replicas, events, steps, failureReason } = endpoint;
    const parts = [fields(endpointFields(endpoint))];
    if (failureReason) parts.push('', `Why it failed: ${failureReason}`);
    if (steps.length) {
      parts.push(
        '',
        'Provisioning:',
        table(
          ['when', 'step'],
          steps.map((s) => [cell(s.at), s.message]),
        ),
      );
    }
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

export const endpointsDelete: Command = {
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

export const endpointsPause: Command = {
  words: ['endpoints', 'pause'],
  summary: 'stop serving: unroute, unload and release the replicas of an endpoint',
  args: [{ name: 'ID', help: 'the endpoint id' }],
  async run(ctx) {
    const e = await ctx.client().endpoint.pause.mutate({ id: arg(ctx) });
    return { json: e, text: `Endpoint ${e.name} (${e.id}) is ${e.status.toLowerCase()}.` };
  },
};

export const endpointsResume: Command = {
  words: ['endpoints', 'resume'],
  summary: 'place and load a paused endpoint again, or retry a failed one',
  args: [{ name: 'ID', help: 'the endpoint id' }],
  async run(ctx) {
    const e = await ctx.client().endpoint.resume.mutate({ id: arg(ctx) });
    return { json: e, text: `Endpoint ${e.name} (${e.id}) is ${e.status.toLowerCase()}.` };
  },
};
