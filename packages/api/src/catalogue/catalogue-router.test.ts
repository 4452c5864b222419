import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { GPU_TYPES, METROS, MODELS } from '@aigrid/db/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';

let t: TestDatabase;
let f: Fixture;
beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
});
afterAll(() => t.drop());

const byId = <T extends { id: string }>(rows: T[]) =>
  [...rows].sort((a, b) => a.id.localeCompare(b.id));

describe('catalogue', () => {
  it('shows the seeded models, metros and GPU types to anyone, signed in or not', async () => {
    const anonymous = await f.anonymous();
    expect(byId(await anonymous.catalogue.models())).toEqual(byId(MODELS));
    expect(byId(await anonymous.catalogue.metros())).toEqual(byId(METROS));
    expect(byId(await anonymous.catalogue.gpuTypes())).toEqual(byId(GPU_TYPES));

    const viaKey = await f.asKey(f.acme.keys.inference);
    expect((await viaKey.catalogue.metros()).map((m) => m.name)).toContain('Frankfurt');
  });

  it('lists metros by name and GPU types by memory', async () => {
    const anonymous = await f.anonymous();
    const metros = (await anonymous.catalogue.metros()).map((m) => m.name);
    expect(metros).toEqual([...metros].sort((a, b) => a.localeCompare(b)));
    const memory = (await anonymous.catalogue.gpuTypes()).map((g) => g.memoryGb);
    expect(memory).toEqual([...memory].sort((a, b) => b - a));
  });
});
