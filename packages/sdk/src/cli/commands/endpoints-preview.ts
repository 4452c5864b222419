// `aigrid endpoints preview`: where an endpoint would go, its latency per metro and its price,
// or why it cannot be placed and what would make it possible. Nothing is reserved.
import { defined, flag, type Command } from '../framework';
import { table, usd } from '../output';
import { need, needInt, needList, needNumber, usdFlag } from './command-helpers';
import { endpointsCreate, parseDemand } from './endpoints';

const { name: _name, 'idempotency-key': _key, ...previewFlags } = endpointsCreate.flags ?? {};

const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);

export const endpointsPreview: Command = {
  words: ['endpoints', 'preview'],
  summary: 'show where an endpoint would go, its latency per metro and price; reserves nothing',
  flags: previewFlags,
  examples: [
    'aigrid endpoints preview --model llama-3.1-8b-instruct --slo-ttft-ms 300 --jurisdiction EU --metro frankfurt=0.6 --metro paris=0.4 --rps 5 --budget-usd 2000',
  ],
  async run(ctx) {
    const input = {
      modelId: need(ctx, 'model'),
      sloTtftP95Ms: needInt(ctx, 'slo-ttft-ms', { min: 1 }),
      jurisdictions: needList(ctx, 'jurisdiction'),
      demand: parseDemand(needList(ctx, 'metro')),
      expectedRps: needNumber(ctx, 'rps', { min: 0, exclusiveMin: true }),
      budgetMicrosPerMonth: usdFlag(ctx, 'budget-usd'),
      ...(flag(ctx, 'no-redundancy') ? { redundancy: false } : {}),
    };
    const p = await ctx.client().endpoint.preview.query(defined(input));
    const text = [
      p.feasible
        ? `Placeable: ${usd(p.costPerMonthMicros)}/month, ${usd(p.costPerMTokensMicros)} per million tokens.`
        : 'Not placeable as asked.',
      table(
        ['metro', 'served by', 'p50 ttft', 'p95 ttft', 'meets slo'],
        p.perMetro.map((m) => [
          m.metroId,
          m.servedBy.join(', ') || '—',
          ms(m.p50TtftMs),
          ms(m.p95TtftMs),
          m.meetsSlo ? 'yes' : 'no',
        ]),
      ),
      ...(p.replicas.length
        ? ['Replicas:', ...p.replicas.map((r) => `  ${r.siteName}: ${r.gpuCount} × ${r.gpuTypeId}`)]
        : []),
      ...(p.reasons.length ? ['Why not:', ...p.reasons.map((r) => `  ${r.message}`)] : []),
      ...(p.alternatives.length
        ? ['What would work:', ...p.alternatives.map((a) => `  ${a.message}`)]
        : []),
    ].join('\n');
    return { json: p, text };
  },
};
