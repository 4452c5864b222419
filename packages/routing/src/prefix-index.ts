// Which prompt prefix blocks each replica probably holds in its KV cache, learned from the
// prompts this gateway sent it. Per replica an LRU set of block hashes with a fixed bound, which
// approximates the engine's own LRU eviction of cached blocks (its capacity is not known here,
// and other gateways' traffic also evicts, so the index can only over-estimate; the cost of a
// wrong guess is one uncached prefill).

export const DEFAULT_MAX_BLOCKS_PER_REPLICA = 20_000;

export class PrefixIndex {
  private readonly maxBlocks: number;
  /** Map insertion order is the LRU order: first key = least recently used. */
  private readonly byReplica = new Map<string, Map<number, true>>();

  constructor(opts: { maxBlocksPerReplica?: number } = {}) {
    const max = opts.maxBlocksPerReplica ?? DEFAULT_MAX_BLOCKS_PER_REPLICA;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError('maxBlocksPerReplica must be a positive integer');
    }
    this.maxBlocks = max;
  }

  /** Length of the longest leading run of `hashes` that the replica holds. */
  matchedBlocks(replicaId: string, hashes: readonly number[]): number {
    const held = this.byReplica.get(replicaId);
    if (!held) return 0;
    let n = 0;
    while (n < hashes.length && held.has(hashes[n]!)) n++;
    return n;
  }

  /** Records that the replica computed (and so caches) the blocks `hashes`. */
  record(replicaId: string, hashes: readonly number[]): void {
    let held = this.byReplica.get(replicaId);
    if (!held) {
      held = new Map();
      this.byReplica.set(replicaId, held);
    }
    // Newest last. The engine frees a sequence's blocks tail first, so its tail blocks are
    // evicted before its head: insert the tail first so the head is the most recently used.
    for (let i = hashes.length - 1; i >= 0; i--) {
      const h = hashes[i]!;
      held.delete(h);
      held.set(h, true);
    }
    while (held.size > this.maxBlocks) {
      const oldest = held.keys().next();
      if (oldest.done) break;
      held.delete(oldest.value);
    }
  }

  /** Drops everything known about the replica (it restarted, was removed or reset its cache). */
  forget(replicaId: string): void {
    this.byReplica.delete(replicaId);
  }
}
