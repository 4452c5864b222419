// Prompt prefix hashes, so that a gateway can send a prompt to the replica whose engine probably
// still holds its prefix in the KV cache.
//
// The engine (vLLM, and engine-sim's kv-cache.ts / scheduler.ts `ensureHashes`) caches the KV of
// FULL 16-token blocks, keyed by a hash chain: block i's hash covers its tokens and block i−1's
// hash, so a block can only be reused when everything before it is identical too. A request hits
// the cache for the longest run of leading blocks whose hashes are held.
//
// The gateway does not tokenize (it would need every model's tokenizer), so it approximates a
// 16-token block by `blockChars` characters of prompt text (64 by default, at ~4 characters per
// token) and chains the hashes the same way. Two prompts sharing k full text blocks share about
// k × 16 leading tokens, which is what the engine can reuse; the boundaries differ from the
// engine's, so the matched length is an estimate of the hit, never a promise (the engine computes
// its real hit itself). Only full blocks are hashed, as in the engine; the tail is ignored.
//
// The hash is FNV-1a (32-bit) run twice with different seeds and combined into a 52-bit integer,
// exact in a JavaScript number and identical in every process, so gateways agree on keys.

const TWO32 = 0x1_0000_0000;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export const DEFAULT_BLOCK_CHARS = 64;
/**
 * Blocks hashed per prompt: 256 × 64 characters ≈ 4,000 tokens, so that conversations behind a
 * long shared system prompt still differ in their hashes (their histories are what set them apart).
 */
export const DEFAULT_MAX_BLOCKS = 256;
/** Characters per token assumed when estimating a prompt's token count. */
export const CHARS_PER_TOKEN = 4;

function fnv1a(seed: number, text: string, from: number, to: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = from; i < to; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/**
 * Chained hashes of the leading full `blockChars`-character blocks of `text`, at most
 * `maxBlocks` of them. hashes[i] identifies the first (i + 1) × blockChars characters.
 */
export function promptBlockHashes(
  text: string,
  opts: { blockChars?: number; maxBlocks?: number } = {},
): number[] {
  const blockChars = opts.blockChars ?? DEFAULT_BLOCK_CHARS;
  const maxBlocks = opts.maxBlocks ?? DEFAULT_MAX_BLOCKS;
  if (!Number.isInteger(blockChars) || blockChars < 1) {
    throw new RangeError('blockChars must be a positive integer');
  }
  const n = Math.min(Math.max(0, Math.floor(maxBlocks)), Math.floor(text.length / blockChars));
  const hashes: number[] = [];
  let parent = 0;
  for (let i = 0; i < n; i++) {
    const from = i * blockChars;
    const lo = parent % TWO32;
    const hi = Math.floor(parent / TWO32);
    const h1 = fnv1a(lo ^ 0x9e3779b9, text, from, from + blockChars);
    const h2 = fnv1a(hi ^ 0x7f4a7c15, text, from, from + blockChars);
    parent = h1 * 1048576 + (h2 >>> 12);
    hashes.push(parent);
  }
  return hashes;
}

/** Rough token count of a prompt: ceil(characters / 4). */
export function estimatePromptTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}
