import { describe, expect, it } from 'vitest';
import { PrefixIndex } from './prefix-index';
import { estimatePromptTokens, promptBlockHashes } from './prefix-hash';
import { prefixHome } from './prefix-home';
import { rankReplicas } from './score';
import { endpoint, rankInput, replica } from './testing-fixtures';

const REPLICAS = ['fra-a', 'fra-b', 'par-a', 'ams-a'];

describe('prefixHome', () => {
  it('gives every caller the same home, spread over the replicas', () => {
    const homes = new Map<string, number>();
    for (let key = 0; key < 4000; key++) {
      const home = prefixHome(key * 7919, REPLICAS)!;
      expect(prefixHome(key * 7919, [...REPLICAS].reverse())).toBe(home);
      homes.set(home, (homes.get(home) ?? 0) + 1);
    }
    for (const id of REPLICAS) expect(homes.get(id)).toBeGreaterThan(800);
  });

  it('moves only the prefixes of a replica that leaves', () => {
    const rest = REPLICAS.filter((id) => id !== 'par-a');
    for (let key = 0; key < 2000; key++) {
      const home = prefixHome(key, REPLICAS)!;
      if (home !== 'par-a') expect(prefixHome(key, rest)).toBe(home);
    }
    expect(prefixHome(1, [])).toBeNull();
  });
});

describe('rankReplicas with an unseen prefix', () => {
  const e = endpoint(REPLICAS.map((id) => replica({ id })));
  const prompt =
    'You are the booking agent of a dental clinic. '.repeat(40) + 'Any slot on Monday?';
  const hashes = promptBlockHashes(prompt);

  const rankFrom = (index: PrefixIndex) =>
    rankReplicas(
      rankInput(e, {
        promptTokens: estimatePromptTokens(prompt),
        cachedBlocks: new Map(REPLICAS.map((id) => [id, index.matchedBlocks(id, hashes)])),
        prefixHashes: hashes,
      }),
    ).ranked;

  it('sends it to its home, so gateways that share nothing agree', () => {
    const home = prefixHome(hashes[0]!, REPLICAS);
    const first = rankFrom(new PrefixIndex());
    const second = rankFrom(new PrefixIndex());
    expect(first[0]!.replica.id).toBe(home);
    expect(second[0]!.replica.id).toBe(home);
    expect(first[0]!.prefillMs).toBeLessThan(first[1]!.prefillMs);
  });

  it('follows what this gateway saw over the home', () => {
    const home = prefixHome(hashes[0]!, REPLICAS);
    const other = REPLICAS.find((id) => id !== home)!;
    const index = new PrefixIndex();
    index.record(other, hashes);
    expect(rankFrom(index)[0]!.replica.id).toBe(other);
  });
});
