import { describe, expect, it } from 'vitest';
import { PrefixIndex } from './prefix-index';

describe('PrefixIndex', () => {
  it('finds the longest leading run of blocks a replica holds', () => {
    const index = new PrefixIndex();
    index.record('r1', [1, 2, 3, 4]);
    expect(index.matchedBlocks('r1', [1, 2, 3, 4, 5])).toBe(4);
    expect(index.matchedBlocks('r1', [1, 2, 9, 4])).toBe(2);
    expect(index.matchedBlocks('r1', [9, 2, 3])).toBe(0);
    expect(index.matchedBlocks('r1', [])).toBe(0);
    expect(index.matchedBlocks('r2', [1, 2])).toBe(0);
  });

  it('evicts least recently used blocks beyond its bound, tail blocks first', () => {
    const index = new PrefixIndex({ maxBlocksPerReplica: 4 });
    index.record('r', [1, 2, 3]);
    index.record('r', [10, 11]);
    // 5 blocks for 4 places: the oldest request's tail block (3) goes first.
    expect(index.matchedBlocks('r', [1, 2, 3])).toBe(2);
    expect(index.matchedBlocks('r', [10, 11])).toBe(2);
    index.record('r', [1, 2]); // touched: now newer than 10, 11
    index.record('r', [20, 21]);
    expect(index.matchedBlocks('r', [1, 2])).toBe(2);
    expect(index.matchedBlocks('r', [10])).toBe(0);
    expect(index.matchedBlocks('r', [20, 21])).toBe(2);
  });

  it('keeps at most the bound even for one long prompt, keeping its head', () => {
    const index = new PrefixIndex({ maxBlocksPerReplica: 3 });
    index.record('r', [1, 2, 3, 4, 5]);
    expect(index.matchedBlocks('r', [1, 2, 3, 4, 5])).toBe(3);
  });

  it('forgets a replica', () => {
    const index = new PrefixIndex();
    index.record('r1', [1, 2]);
    index.record('r2', [1, 2]);
    index.forget('r1');
    expect(index.matchedBlocks('r1', [1, 2])).toBe(0);
    expect(index.matchedBlocks('r2', [1, 2])).toBe(2);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new PrefixIndex({ maxBlocksPerReplica: 0 })).toThrow(RangeError);
  });
});
