// The `aigrid sites` commands (points of presence).
import { allPages, defined, numberFlag, str, type Command } from '../framework';
import { cell, table, usd } from '../output';
import { idempotencyFlag, lines, need, needInt, needList, needUsd } from './command-helpers';

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

export const sitesList: Command = {
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

export const sitesCreate: Command = {
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
