// Creating, changing and decommissioning endpoints. Each write records an EndpointEvent and an
// audit row in the same transaction. The workflows are told after the commit (see the router):
// provisioning picks up endpoints in PROVISIONING, decommissioning those in DECOMMISSIONING.
import { Prisma, writeAudit, type Db, type EndpointStatus } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import type { Actor } from '../trpc';
import {
  toEndpoint,
  withDemands,
  type TCreateEndpointInput,
  type TEndpoint,
  type TUpdateEndpointInput,
} from './endpoint-schemas';
import {
  assertModelExists,
  assertSloPhysicallyReachable,
  resolveDemand,
  TOTAL_BP,
  type ResolvedDemand,
} from './validate-endpoint';

export interface WriteContext {
  db: Db;
  org: { id: string };
  actor: Actor;
  now: () => Date;
}

type Tx = Prisma.TransactionClient;

/** Statuses in which an endpoint is gone or going: it can no longer be changed. */
const RETIRED: EndpointStatus[] = ['DECOMMISSIONING', 'DECOMMISSIONED'];

/** Turns the unique (organisation, name) index into an answer the caller can act on. */
async function refuseDuplicateName<T>(name: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      throw new TRPCError({
        code: 'CONFLICT',
        message: `name: this organisation already has an endpoint named "${name ?? ''}" (decommissioned endpoints keep their names); choose another name`,
      });
    }
    throw err;
  }
}

const demandJson = (demand: { metroId: string; weightBp: number }[]) =>
  demand.map((d) => ({ metroId: d.metroId, weight: d.weightBp / TOTAL_BP }));

export async function createEndpoint(c: WriteContext, input: TCreateEndpointInput) {
  await assertModelExists(c.db, input.modelId);
  const demand = await resolveDemand(c.db, input.demand);
  await assertSloPhysicallyReachable(c.db, {
    sloTtftP95Ms: input.sloTtftP95Ms,
    jurisdictions: input.jurisdictions,
    demand,
  });
  return refuseDuplicateName(input.name, () =>
    c.db.$transaction(async (tx) => {
      const spec = {
        modelId: input.modelId,
        sloTtftP95Ms: input.sloTtftP95Ms,
        jurisdictions: input.jurisdictions,
        demand: demandJson(demand),
        expectedRps: input.expectedRps,
        budgetMicrosPerMonth: input.budgetMicrosPerMonth ?? null,
        redundancy: input.redundancy,
      };
      const created = await tx.endpoint.create({
        data: {
          organizationId: c.org.id,
          name: input.name,
          modelId: input.modelId,
          sloTtftP95Ms: input.sloTtftP95Ms,
          jurisdictions: input.jurisdictions,
          expectedRps: input.expectedRps,
          budgetMicrosPerMonth:
            input.budgetMicrosPerMonth === undefined ? null : BigInt(input.budgetMicrosPerMonth),
          redundancy: input.redundancy,
          status: 'PROVISIONING',
          demands: {
            create: demand.map((d) => ({ metroId: d.metroId, weightBp: d.weightBp })),
          },
          events: {
            create: {
              at: c.now(),
              kind: 'created',
              message: `Created for ${input.modelId} with a p95 time to first token of ${input.sloTtftP95Ms} ms; waiting for provisioning.`,
              data: spec,
            },
          },
        },
        include: withDemands,
      });
      await writeAudit(tx, {
        organizationId: c.org.id,
        actorUserId: c.actor.userId,
        actorApiKeyId: c.actor.apiKeyId,
        action: 'endpoint.create',
        targetType: 'Endpoint',
        targetId: created.id,
        data: { name: created.name, ...spec },
      });
      return toEndpoint(created);
    }),
  );
}

async function loadForUpdate(tx: Tx, organizationId: string, id: string) {
  const endpoint = await tx.endpoint.findFirst({
    where: { id, organizationId },
    include: {
      demands: {
        select: { metroId: true, weightBp: true, metro: { select: { lat: true, lon: true } } },
      },
    },
  });
  if (!endpoint) throw new TRPCError({ code: 'NOT_FOUND', message: 'Endpoint not found.' });
  return endpoint;
}

type Loaded = Awaited<ReturnType<typeof loadForUpdate>>;
type Change = { from: Prisma.InputJsonValue | null; to: Prisma.InputJsonValue | null };

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

const demandKey = (d: { metroId: string; weightBp: number }[]) =>
  d
    .map((x) => `${x.metroId}=${x.weightBp}`)
    .sort()
    .join(',');

/** What `input` changes in `current`, field by field. */
function diffEndpoint(
  current: Loaded,
  input: TUpdateEndpointInput,
  demand: ResolvedDemand[] | null,
) {
  const changes: Record<string, Change> = {};
  const budget =
    current.budgetMicrosPerMonth === null ? null : Number(current.budgetMicrosPerMonth);
  if (input.name !== undefined && input.name !== current.name) {
    changes.name = { from: current.name, to: input.name };
  }
  if (input.sloTtftP95Ms !== undefined && input.sloTtftP95Ms !== current.sloTtftP95Ms) {
    changes.sloTtftP95Ms = { from: current.sloTtftP95Ms, to: input.sloTtftP95Ms };
  }
  if (input.jurisdictions && !sameSet(input.jurisdictions, current.jurisdictions)) {
    changes.jurisdictions = { from: current.jurisdictions, to: input.jurisdictions };
  }
  if (demand && demandKey(demand) !== demandKey(current.demands)) {
    changes.demand = { from: demandJson(current.demands), to: demandJson(demand) };
  }
  if (input.expectedRps !== undefined && input.expectedRps !== current.expectedRps) {
    changes.expectedRps = { from: current.expectedRps, to: input.expectedRps };
  }
  if (input.budgetMicrosPerMonth !== undefined && input.budgetMicrosPerMonth !== budget) {
    changes.budgetMicrosPerMonth = { from: budget, to: input.budgetMicrosPerMonth };
  }
  return changes;
}

export async function updateEndpoint(c: WriteContext, input: TUpdateEndpointInput) {
  return refuseDuplicateName(input.name, () =>
    c.db.$transaction(async (tx): Promise<TEndpoint> => {
      const current = await loadForUpdate(tx, c.org.id, input.id);
      if (RETIRED.includes(current.status)) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `This endpoint is ${current.status.toLowerCase()} and can no longer be changed; create a new endpoint instead.`,
        });
      }
      const newDemand = input.demand ? await resolveDemand(tx, input.demand) : null;
      const changes = diffEndpoint(current, input, newDemand);
      if (Object.keys(changes).length === 0) return toEndpoint(current);

      if (changes.sloTtftP95Ms || changes.jurisdictions || changes.demand) {
        await assertSloPhysicallyReachable(tx, {
          sloTtftP95Ms: input.sloTtftP95Ms ?? current.sloTtftP95Ms,
          jurisdictions: input.jurisdictions ?? current.jurisdictions,
          demand:
            newDemand ??
            current.demands.map((d) => ({
              metroId: d.metroId,
              weightBp: d.weightBp,
              lat: d.metro.lat,
              lon: d.metro.lon,
            })),
        });
      }

      const fields = Object.keys(changes);
      const updated = await tx.endpoint.update({
        where: { id: current.id },
        data: {
          ...(changes.name && { name: input.name }),
          ...(changes.sloTtftP95Ms && { sloTtftP95Ms: input.sloTtftP95Ms }),
          ...(changes.jurisdictions && { jurisdictions: input.jurisdictions }),
          ...(changes.expectedRps && { expectedRps: input.expectedRps }),
          ...(changes.budgetMicrosPerMonth && {
            budgetMicrosPerMonth:
              input.budgetMicrosPerMonth == null ? null : BigInt(input.budgetMicrosPerMonth),
          }),
          ...(changes.demand &&
            newDemand && {
              demands: {
                deleteMany: {},
                create: newDemand.map((d) => ({ metroId: d.metroId, weightBp: d.weightBp })),
              },
            }),
          events: {
            create: {
              at: c.now(),
              kind: 'updated',
              message: `Changed ${fields.join(', ')}.`,
              data: changes,
            },
          },
        },
        include: withDemands,
      });
      await writeAudit(tx, {
        organizationId: c.org.id,
        actorUserId: c.actor.userId,
        actorApiKeyId: c.actor.apiKeyId,
        action: 'endpoint.update',
        targetType: 'Endpoint',
        targetId: current.id,
        data: changes,
      });
      return toEndpoint(updated);
    }),
  );
}

/**
 * Decommissions the endpoint; the row stays for usage and billing history. An endpoint with
 * replicas still running goes to DECOMMISSIONING and the decommission workflow unroutes, unloads
 * and releases them before marking it DECOMMISSIONED; one without goes there at once. Calling it
 * again returns the endpoint unchanged.
 */
export async function decommissionEndpoint(c: WriteContext, id: string) {
  return c.db.$transaction(async (tx): Promise<TEndpoint> => {
    const where = { id, organizationId: c.org.id };
    // Locks the row: a reservation (which checks the status under the same lock) either
    // committed before and is counted below, or sees the endpoint retired and reserves nothing.
    const claimed = await tx.endpoint.updateMany({
      where: { ...where, status: { notIn: RETIRED } },
      data: { status: 'DECOMMISSIONING' },
    });
    let endpoint = await tx.endpoint.findFirst({ where, include: withDemands });
    if (!endpoint) throw new TRPCError({ code: 'NOT_FOUND', message: 'Endpoint not found.' });
    if (claimed.count === 0) return toEndpoint(endpoint);
    const running = await tx.replica.count({
      where: { endpointId: endpoint.id, state: { notIn: ['RELEASED', 'FAILED'] } },
    });
    if (running === 0) {
      endpoint = await tx.endpoint.update({
        where: { id: endpoint.id },
        data: { status: 'DECOMMISSIONED' },
        include: withDemands,
      });
    }
    await tx.endpointEvent.create({
      data: {
        endpointId: endpoint.id,
        at: c.now(),
        kind: running === 0 ? 'decommissioned' : 'decommissioning',
        message:
          running === 0
            ? 'Decommissioned; its usage and billing history are kept.'
            : `Decommissioning: unrouting, unloading and releasing ${running} ${running === 1 ? 'replica' : 'replicas'}.`,
      },
    });
    await writeAudit(tx, {
      organizationId: c.org.id,
      actorUserId: c.actor.userId,
      actorApiKeyId: c.actor.apiKeyId,
      action: 'endpoint.delete',
      targetType: 'Endpoint',
      targetId: endpoint.id,
      data: { name: endpoint.name },
    });
    return toEndpoint(endpoint);
  });
}
