// A paged KV cache as vLLM's V1 block manager keeps it: fixed-size blocks (16 tokens), a
// reference count per block, prefix caching by a hash chain over full blocks of token ids, and a
// free queue in LRU order whose blocks may still hold cached content until they are reused.

export const BLOCK_SIZE = 16;

export class KvCache {
  readonly numBlocks: number;
  private readonly refCount: Int32Array;
  /** Content hash of each block, or -1 when it holds none that can be shared. */
  private readonly hashOf: Float64Array;
  private readonly byHash = new Map<number, number>();
  // Free queue: a doubly linked list over block ids, least recently freed first.
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private head = -1;
  private tail = -1;
  private free = 0;

  constructor(
    numBlocks: number,
    readonly prefixCaching = true,
  ) {
    this.numBlocks = numBlocks;
    this.refCount = new Int32Array(numBlocks);
    this.hashOf = new Float64Array(numBlocks).fill(-1);
    this.prev = new Int32Array(numBlocks);
    this.next = new Int32Array(numBlocks);
    for (let b = 0; b < numBlocks; b++) this.pushTail(b);
  }

  get numFree(): number {
    return this.free;
  }

  /** Fraction of blocks in use (cached but unreferenced blocks count as free, as in vLLM). */
  usage(): number {
    return this.numBlocks === 0 ? 0 : 1 - this.free / this.numBlocks;
  }

  /** Number of cached blocks at the start of `hashes`, the longest shared prefix. */
  lookup(hashes: ArrayLike<number>, maxBlocks: number): number {
    if (!this.prefixCaching) return 0;
    let n = 0;
    while (n < maxBlocks && n < hashes.length && this.byHash.has(hashes[n]!)) n++;
    return n;
  }

  /** Takes a reference on the cached blocks for the first `n` hashes and returns them. */
  acquireCached(hashes: ArrayLike<number>, n: number, out: number[]): void {
    for (let i = 0; i < n; i++) {
      const b = this.byHash.get(hashes[i]!)!;
      if (this.refCount[b] === 0) this.unlink(b);
      this.refCount[b]!++;
      out.push(b);
    }
  }

  /**
   * How many blocks can still be allocated if the cached blocks for the first `n` hashes are
   * taken first (taking an unreferenced cached block removes it from the free queue).
   */
  freeAfterAcquiring(hashes: ArrayLike<number>, n: number): number {
    let free = this.free;
    for (let i = 0; i < n; i++) if (this.refCount[this.byHash.get(hashes[i]!)!] === 0) free--;
    return free;
  }

  /** Allocates `count` new blocks onto `out`, evicting the least recently freed cached ones. */
  allocate(count: number, out: number[]): boolean {
    if (count > this.free) return false;
    for (let i = 0; i < count; i++) {
      const b = this.head;
      this.unlink(b);
      const h = this.hashOf[b]!;
      if (h >= 0) {
        if (this.byHash.get(h) === b) this.byHash.delete(h);
        this.hashOf[b] = -1;
      }
      this.refCount[b] = 1;
      out.push(b);
    }
    return true;
  }

  /** Marks a full, computed block as holding content `hash` so later requests can share it. */
  register(block: number, hash: number): void {
    if (!this.prefixCaching || this.hashOf[block]! >= 0) return;
    if (this.byHash.has(hash)) return; // the same content already lives in another block
    this.hashOf[block] = hash;
    this.byHash.set(hash, block);
  }

  /**
   * Drops one reference on each block. Blocks are freed from the sequence's end, so its tail
   * blocks (least likely to be shared) are evicted first, as vLLM does.
   */
  release(blocks: number[]): void {
    for (let i = blocks.length - 1; i >= 0; i--) {
      const b = blocks[i]!;
      if (--this.refCount[b]! === 0) this.pushTail(b);
    }
    blocks.length = 0;
  }

  /** Forgets every cached block (vLLM's /reset_prefix_cache). */
  resetPrefixCache(): void {
    this.byHash.clear();
    this.hashOf.fill(-1);
  }

  private pushTail(b: number): void {
    this.prev[b] = this.tail;
    this.next[b] = -1;
    if (this.tail >= 0) this.next[this.tail] = b;
    else this.head = b;
    this.tail = b;
    this.free++;
  }

  private unlink(b: number): void {
    const p = this.prev[b]!;
    const n = this.next[b]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
    this.free--;
  }
}
