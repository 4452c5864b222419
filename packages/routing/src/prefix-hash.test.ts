import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BLOCKS, estimatePromptTokens, promptBlockHashes } from './prefix-hash';

const block = (c: string) => c.repeat(64);

describe('promptBlockHashes', () => {
  it('gives prompts with the same prefix the same leading hashes', () => {
    const shared = block('a') + block('b') + block('c');
    const one = promptBlockHashes(shared + block('d') + 'tail one');
    const two = promptBlockHashes(shared + block('e') + 'tail two, longer');
    expect(one).toHaveLength(4);
    expect(two).toHaveLength(4);
    expect(one.slice(0, 3)).toEqual(two.slice(0, 3));
    expect(one[3]).not.toBe(two[3]);
  });

  it('tells apart conversations that share a long system prompt (thousands of tokens)', () => {
    // A chat's system prompt is often longer than 4,000 characters; conversations behind it differ
    // only in their history. If the hashes stopped inside the system prompt, every conversation
    // would look the same and could be routed away from the replica holding its history.
    const system =
      'system\n' + 'You follow the operator handbook, section by section. '.repeat(120);
    const one = promptBlockHashes(system + 'user\n' + 'Review the peering contract. '.repeat(20));
    const two = promptBlockHashes(system + 'user\n' + 'Summarise the outage report. '.repeat(20));
    expect(system.length).toBeGreaterThan(6_000);
    expect(one.at(-1)).not.toBe(two.at(-1));
  });

  it('chains: a different first block changes every hash, even of identical later blocks', () => {
    const rest = block('b') + block('c') + block('d');
    const one = promptBlockHashes(block('a') + rest);
    const two = promptBlockHashes(block('z') + rest);
    one.forEach((h, i) => expect(two[i]).not.toBe(h));
  });

  it('hashes only full blocks, at most maxBlocks, as safe integers that never change', () => {
    expect(promptBlockHashes('x'.repeat(63))).toEqual([]);
    expect(promptBlockHashes('x'.repeat(10 * 64 + 5))).toHaveLength(10);
    expect(promptBlockHashes('x'.repeat(300 * 64))).toHaveLength(DEFAULT_MAX_BLOCKS);
    expect(promptBlockHashes('x'.repeat(40), { blockChars: 8, maxBlocks: 3 })).toHaveLength(3);
    const hashes = promptBlockHashes(block('a') + block('b'));
    for (const h of hashes) expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
    // Pinned values: every gateway process (and release) must compute the same keys.
    expect(hashes).toEqual([1913517783518001, 3051492472637378]);
    expect(promptBlockHashes('héllo wörld 👋'.repeat(8), { blockChars: 16 }).slice(0, 2)).toEqual([
      380116417808279, 3313726036592980,
    ]);
  });

  it('rejects a block size that is not a positive integer', () => {
    expect(() => promptBlockHashes('abc', { blockChars: 0 })).toThrow(/blockChars/);
  });
});

describe('estimatePromptTokens', () => {
  it('counts about four characters per token, rounding up', () => {
    expect(estimatePromptTokens('')).toBe(0);
    expect(estimatePromptTokens('abcd')).toBe(1);
    expect(estimatePromptTokens('abcde')).toBe(2);
  });
});
