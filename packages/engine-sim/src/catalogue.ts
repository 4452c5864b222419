// The figures engine-sim needs for the grid's seeded models (packages/db/src/seed/catalogue.ts,
// copied rather than imported): parameters and context window from each model card, and the KV
// bytes per token (2 × layers × KV heads × head size × 2 bytes at BF16) from its config.
export interface CatalogueModel {
  id: string;
  parametersB: number;
  contextTokens: number;
  kvBytesPerToken: number;
}

export const ENGINE_MODELS: CatalogueModel[] = [
  // 32 layers × 8 KV heads × 128.
  {
    id: 'llama-3.1-8b-instruct',
    parametersB: 8.03,
    contextTokens: 131_072,
    kvBytesPerToken: 131_072,
  },
  // 80 layers × 8 KV heads × 128.
  {
    id: 'llama-3.1-70b-instruct',
    parametersB: 70.6,
    contextTokens: 131_072,
    kvBytesPerToken: 327_680,
  },
  // 32 layers × 8 KV heads × 128.
  {
    id: 'mistral-7b-instruct-v0.3',
    parametersB: 7.25,
    contextTokens: 32_768,
    kvBytesPerToken: 131_072,
  },
  // 28 layers × 4 KV heads × 128.
  { id: 'qwen2.5-7b-instruct', parametersB: 7.62, contextTokens: 32_768, kvBytesPerToken: 57_344 },
  // 42 layers × 8 KV heads × 256.
  { id: 'gemma-2-9b-it', parametersB: 9.24, contextTokens: 8_192, kvBytesPerToken: 344_064 },
  // 32 layers × 8 KV heads × 128 (all experts' weights are read at serving batch sizes).
  {
    id: 'mixtral-8x7b-instruct',
    parametersB: 46.7,
    contextTokens: 32_768,
    kvBytesPerToken: 131_072,
  },
  // 40 layers (32 self-attention, 8 cross-attention) × 8 KV heads × 128; text only here.
  {
    id: 'llama-3.2-11b-vision-instruct',
    parametersB: 10.6,
    contextTokens: 131_072,
    kvBytesPerToken: 163_840,
  },
];

export function catalogueModel(id: string): CatalogueModel | undefined {
  return ENGINE_MODELS.find((m) => m.id === id);
}
