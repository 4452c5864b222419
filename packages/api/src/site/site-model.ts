// A site as the API shows it, and the look-ups that every capacity router shares: a site of the
// caller's organisation (a guessed id finds nothing), a known metro, a known GPU type.
import { Prisma, type Db } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Actor } from '../trpc';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export const ZSite = z.object({
  id: z.string(),
  name: z.string(),
  metroId: z.string(),
  countryCode: z.string(),
  lat: z.number(),
  lon: z.number(),
  jurisdictions: z.array(z.string()),
  uplinkGbps: z.number().int(),
  egressPricePerGbMicros: z.number().int(),
  nodeCount: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

/** Include this in site queries so that `toSite` can count the nodes. */
export const siteInclude = { _count: { select: { nodes: true } } } as const;

export function toSite(s: Prisma.SiteGetPayload<{ include: typeof siteInclude }>) {
  return {
    id: s.id,
    name: s.name,
    metroId: s.metroId,
    countryCode: s.countryCode,
    lat: s.lat,
    lon: s.lon,
    jurisdictions: s.jurisdictions,
    uplinkGbps: s.uplinkGbps,
    egressPricePerGbMicros: Number(s.egressPriceMicrosPerGb),
    nodeCount: s._count.nodes,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** The site `id` of `organizationId`; NOT_FOUND for any other organisation's site. */
export async function loadSite(db: Tx | Db, organizationId: string, id: string) {
  const site = await db.site.findFirst({ where: { id, organizationId }, include: siteInclude });
  if (!site) throw new TRPCError({ code: 'NOT_FOUND', message: `Site ${id} not found.` });
  return site;
}

export async function loadMetro(db: Tx | Db, metroId: string, field = 'metroId') {
  const metro = await db.metro.findUnique({ where: { id: metroId } });
  if (!metro) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `${field}: unknown metro "${metroId}"; catalogue.metros lists the known ones.`,
    });
  }
  return metro;
}

export async function loadGpuType(db: Tx | Db, gpuTypeId: string) {
  const gpuType = await db.gpuType.findUnique({ where: { id: gpuTypeId } });
  if (!gpuType) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `gpuTypeId: unknown GPU type "${gpuTypeId}"; catalogue.gpuTypes lists the known ones.`,
    });
  }
  return gpuType;
}

/** Runs `write`; a unique-constraint violation becomes CONFLICT with `message`. */
export async function conflictOnDuplicate<T>(write: Promise<T>, message: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      throw new TRPCError({ code: 'CONFLICT', message });
    }
    throw err;
  }
}

/** Who to record in the audit log: the signed-in user or the API key. */
export function auditActor(actor: Actor) {
  return { actorUserId: actor.userId, actorApiKeyId: actor.apiKeyId };
}
