// An offer as the API shows it: prices in integer micro-units of currency, the capacity share
// in percent (stored in basis points), and the window in which it is valid.
import type { Db, Offer } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Tx } from '../site/site-model';

export const ZOffer = z.object({
  id: z.string(),
  siteId: z.string(),
  gpuTypeId: z.string(),
  modelClass: z.string().nullable(),
  pricePerGpuHourMicros: z.number().int(),
  pricePerMTokensMicros: z.number().int(),
  capacitySharePct: z.number(),
  quotaGpus: z.number().int().nullable(),
  validFrom: z.date(),
  validTo: z.date().nullable(),
  createdAt: z.date(),
});

/** Percent of the site's GPUs of the type offered; stored to 0.01 % (one basis point). */
export const ZCapacitySharePct = z
  .number()
  .gt(0, 'must be more than 0')
  .max(100, 'must be at most 100')
  .refine((pct) => Math.round(pct * 100) >= 1, 'must be at least 0.01');

export const ZQuotaGpus = z
  .number()
  .int('must be a whole number of GPUs')
  .min(0, 'must not be negative')
  .max(100_000, 'must be at most 100000');

export const toBasisPoints = (pct: number) => Math.round(pct * 100);

export function toOffer(o: Offer): z.infer<typeof ZOffer> {
  return {
    id: o.id,
    siteId: o.siteId,
    gpuTypeId: o.gpuTypeId,
    modelClass: o.modelClass,
    pricePerGpuHourMicros: Number(o.pricePerGpuHourMicros),
    pricePerMTokensMicros: Number(o.pricePerMTokensMicros),
    capacitySharePct: o.capacityShareBp / 100,
    quotaGpus: o.quotaGpus,
    validFrom: o.validFrom,
    validTo: o.validTo,
    createdAt: o.createdAt,
  };
}

/** Where-clause of the offers valid at `now`. */
export const activeAt = (now: Date) => ({
  validFrom: { lte: now },
  OR: [{ validTo: null }, { validTo: { gt: now } }],
});

/** The offer `id` of `organizationId`; NOT_FOUND for any other organisation's offer. */
export async function loadOffer(db: Tx | Db, organizationId: string, id: string) {
  const offer = await db.offer.findFirst({ where: { id, organizationId } });
  if (!offer) throw new TRPCError({ code: 'NOT_FOUND', message: `Offer ${id} not found.` });
  return offer;
}
