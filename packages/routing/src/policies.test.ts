import { describe, expect, it } from 'vitest';
import { createPicker, seededRng } from './policies';
import { endpoint, load, rankInput, replica } from './testing-fixtures';

const ids = (list: { replica: { id: string } }[]) => list.map((r) => r.replica.id);
const three = endpoint([replica({ id: 'a' }), replica({ id: 'b' }), replica({ id: 'c' })]);

describe('createPicker', () => {
  it('round-robin rotates per endpoint', () => {
    const pick = createPicker('round-robin');
    const other = endpoint([replica({ id: 'x' }), replica({ id: 'y' })], { id: 'ep-2' });
    expect(ids(pick(rankInput(three)))).toEqual(['a', 'b', 'c']);
    expect(ids(pick(rankInput(other)))).toEqual(['x', 'y']);
    expect(ids(pick(rankInput(three)))).toEqual(['b', 'c', 'a']);
    expect(ids(pick(rankInput(three)))).toEqual(['c', 'a', 'b']);
    expect(ids(pick(rankInput(three)))).toEqual(['a', 'b', 'c']);
    expect(ids(pick(rankInput(other)))).toEqual(['y', 'x']);
  });

  it('random shuffles with the injected rng, reproducibly', () => {
    const orders = new Set<string>();
    const pick = createPicker('random', { rng: seededRng(7) });
    const again = createPicker('random', { rng: seededRng(7) });
    for (let i = 0; i < 50; i++) {
      const order = ids(pick(rankInput(three)));
      expect(order).toEqual(ids(again(rankInput(three))));
      expect([...order].sort()).toEqual(['a', 'b', 'c']);
      orders.add(order.join());
    }
    expect(orders.size).toBe(6);
  });

  it('least-loaded orders by running + waiting + in flight, ignoring distance', () => {
    const e = endpoint([
      replica({ id: 'near', siteId: 's-near' }),
      replica({ id: 'far', siteId: 's-far' }),
    ]);
    const input = rankInput(e, {
      clientMetroId: 'm',
      rttMs: { m: { 's-near': 1, 's-far': 200 } },
      loads: new Map([
        ['near', load({ running: 2, inFlight: 1 })],
        ['far', load({ waiting: 2 })],
      ]),
    });
    expect(ids(createPicker('least-loaded')(input))).toEqual(['far', 'near']);
    expect(ids(createPicker('ours')(input))).toEqual(['near', 'far']);
  });

  it('every policy returns nothing when no replica qualifies', () => {
    const e = endpoint([replica({ id: 'a', jurisdictions: ['US'] })], { jurisdictions: ['EU'] });
    for (const policy of ['ours', 'random', 'round-robin', 'least-loaded'] as const) {
      expect(createPicker(policy)(rankInput(e))).toEqual([]);
    }
  });
});
