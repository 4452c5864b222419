import { describe, expect, it } from 'vitest';
import { KvCache } from './kv-cache';

describe('KvCache', () => {
  it('allocates until full and frees blocks back', () => {
    const kv = new KvCache(4);
    const a: number[] = [];
    expect(kv.allocate(3, a)).toBe(true);
    expect(kv.usage()).toBeCloseTo(0.75);
    expect(kv.allocate(2, [])).toBe(false);
    kv.release(a);
    expect(a).toEqual([]);
    expect(kv.numFree).toBe(4);
  });

  it('shares registered blocks by hash and keeps them after release until evicted (LRU)', () => {
    const kv = new KvCache(3);
    const a: number[] = [];
    kv.allocate(2, a);
    kv.register(a[0]!, 111);
    kv.register(a[1]!, 222);
    kv.release(a);
    // Unreferenced but cached: free, and still found.
    expect(kv.numFree).toBe(3);
    expect(kv.lookup([111, 222, 333], 3)).toBe(2);
    expect(kv.lookup([999, 222], 2)).toBe(0);
    const b: number[] = [];
    expect(kv.freeAfterAcquiring([111, 222], 2)).toBe(1);
    kv.acquireCached([111, 222], 2, b);
    expect(kv.numFree).toBe(1);
    kv.release(b);
    // Allocating all blocks evicts the least recently freed cached blocks first.
    const c: number[] = [];
    kv.allocate(1, c);
    expect(kv.lookup([111, 222], 2)).toBe(2);
    kv.allocate(2, c);
    expect(kv.lookup([111, 222], 2)).toBe(0);
  });

  it('does nothing for lookups when prefix caching is off', () => {
    const kv = new KvCache(2, false);
    const a: number[] = [];
    kv.allocate(1, a);
    kv.register(a[0]!, 5);
    expect(kv.lookup([5], 1)).toBe(0);
  });
});
