// Shared by the metering tests and their child process: an organisation with one endpoint, the
// usage of the i-th complete request, a quiet logger, and a hook around the shipper's INSERTs.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db, Prisma } from '@aigrid/db';
import { seedCatalogue, upsertOrganization } from '@aigrid/db/seed';
import { pino } from 'pino';
import type { UsageRecord } from '../index';

export const quietLog = () => pino({ level: process.env.METER_TEST_LOG ?? 'silent' });

export interface Tenant {
  organizationId: string;
  endpointId: string;
}

export async function createTenant(db: Db, name: string): Promise<Tenant> {
  await seedCatalogue(db);
  const org = await upsertOrganization(db, { name, kinds: ['DEVELOPER'] });
  const endpoint = await db.endpoint.create({
    data: {
      organizationId: org.id,
      name: `${name}-chat`,
      modelId: 'llama-3.1-8b-instruct',
      sloTtftP95Ms: 200,
      jurisdictions: ['EU'],
      expectedRps: 1,
      status: 'ACTIVE',
    },
  });
  return { organizationId: org.id, endpointId: endpoint.id };
}

/** The usage of complete request number `i` (1-based): its counts are derived from `i`. */
export function completeRecord(tenant: Tenant, id: string, i: number): UsageRecord {
  return {
    id,
    organizationId: tenant.organizationId,
    endpointId: tenant.endpointId,
    siteId: null,
    nodeId: 'node-1',
    replicaId: 'replica-1',
    clientMetroId: 'frankfurt',
    promptTokens: i,
    completionTokens: 2 * i,
    egressBytes: 100 * i,
    ttftMs: 12.5,
    status: 200,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
  };
}

/** Sum of 1..n. */
export const triangle = (n: number) => (n * (n + 1)) / 2;

/** Concatenated text of every segment in a spool folder. */
export async function spoolText(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('segment-')).sort();
  const texts = await Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')));
  return texts.join('');
}

/** `db` with `usageEvent.createMany` wrapped: `around` gets the real call and returns its result. */
export function wrapCreateMany(
  db: Db,
  around: (createMany: () => Promise<Prisma.BatchPayload>) => Promise<Prisma.BatchPayload>,
): Db {
  const usageEvent = new Proxy(db.usageEvent, {
    get(target, prop, receiver) {
      if (prop !== 'createMany') return Reflect.get(target, prop, receiver);
      return (args: Parameters<Db['usageEvent']['createMany']>[0]) =>
        around(() => target.createMany(args));
    },
  });
  return new Proxy(db, {
    get: (target, prop, receiver) =>
      prop === 'usageEvent' ? usageEvent : Reflect.get(target, prop, receiver),
  });
}
