// The `aigrid offers` commands (capacity offers).
import { allPages, defined, flag, intFlag, str, type Command } from '../framework';
import { cell, table, usd } from '../output';
import { idempotencyFlag, lines, need, needNumber, needUsd } from './command-helpers';

export const offersCreate: Command = {
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

export const offersList: Command = {
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
