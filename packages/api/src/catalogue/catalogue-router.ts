// The catalogue: metros, GPU types and models. Global reference data, the same for everyone,
// readable without signing in.
import { z } from 'zod';
import { publicProcedure, router } from '../trpc';

export const ZCatalogueModel = z.object({
  id: z.string(),
  name: z.string(),
  family: z.string(),
  parametersB: z.number(),
  memoryGb: z.number(),
  contextTokens: z.number().int(),
  supportedGpuTypes: z.array(z.string()),
  modality: z.enum(['TEXT', 'VISION', 'SPEECH', 'EMBEDDING']),
});

export const ZMetro = z.object({
  id: z.string(),
  name: z.string(),
  countryCode: z.string(),
  lat: z.number(),
  lon: z.number(),
});

export const ZGpuType = z.object({
  id: z.string(),
  name: z.string(),
  vendor: z.string(),
  memoryGb: z.number().int(),
});

export const catalogueRouter = router({
  /** Models that endpoints can serve, with the GPU types they fit on. */
  models: publicProcedure.output(z.array(ZCatalogueModel)).query(({ ctx }) =>
    ctx.db.model.findMany({
      orderBy: [{ family: 'asc' }, { parametersB: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        name: true,
        family: true,
        parametersB: true,
        memoryGb: true,
        contextTokens: true,
        supportedGpuTypes: true,
        modality: true,
      },
    }),
  ),

  /** Metro areas that sites are in and that demand comes from, by name. */
  metros: publicProcedure.output(z.array(ZMetro)).query(async ({ ctx }) => {
    const metros = await ctx.db.metro.findMany({
      select: { id: true, name: true, countryCode: true, lat: true, lon: true },
    });
    // Sorted here: the database's collation puts "São Paulo" after "Sydney".
    return metros.sort((a, b) => a.name.localeCompare(b.name, 'en'));
  }),

  /** GPU types that nodes and offers name, with the memory of one GPU. */
  gpuTypes: publicProcedure.output(z.array(ZGpuType)).query(({ ctx }) =>
    ctx.db.gpuType.findMany({
      orderBy: [{ memoryGb: 'desc' }, { id: 'asc' }],
      select: { id: true, name: true, vendor: true, memoryGb: true },
    }),
  ),
});
