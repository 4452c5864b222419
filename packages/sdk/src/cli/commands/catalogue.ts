// The catalogue commands: `aigrid models list`, `metros list` and `gpus list`.
import type { Command } from '../framework';
import { cell, table } from '../output';
import { lines } from './command-helpers';

export const modelsList: Command = {
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

export const metrosList: Command = {
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

export const gpusList: Command = {
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
