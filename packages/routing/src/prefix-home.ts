// Where a prefix lives when this gateway has not seen it yet. Gateways share nothing, so each
// learns prefix locations only from its own traffic; without a common prior, a prefix another
// gateway already warmed on replica A is sent by this one to its nearest replica B and paid for
// twice. Rendezvous (highest-random-weight) hashing gives every gateway the same answer for the
// same prefix and replica set, with no coordination: the prefix's "home" replica. Sending unseen
// prefixes home makes the guess true, and when a replica leaves only its prefixes move.

/** A 32-bit mix of two integers (murmur3's finaliser over their combination). */
function mix(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string, 32-bit. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The replica (by id) with the highest weight for `prefixKey`; null when there is none. */
export function prefixHome(prefixKey: number, replicaIds: readonly string[]): string | null {
  let best: string | null = null;
  let bestWeight = -1;
  const key = Math.floor(Math.abs(prefixKey)) % 0x100000000;
  for (const id of replicaIds) {
    const w = mix(key, hashString(id));
    if (w > bestWeight || (w === bestWeight && best !== null && id < best)) {
      best = id;
      bestWeight = w;
    }
  }
  return best;
}
