// Input and output shapes of the endpoint procedures, and the mapping from database rows.
import type { EndpointStatus, ReplicaState } from '@aigrid/db';
import { z } from 'zod';
import { ZPageInput } from '../lib/pagination';
import { ZId, ZIdempotencyKey, ZJurisdictionSet, ZMicros } from '../lib/schemas';

export const ENDPOINT_STATUSES = [
  'PROVISIONING',
  'ACTIVE',
  'DEGRADED',
  'PAUSED',
  'FAILED',
  'DECOMMISSIONING',
  'DECOMMISSIONED',
] as const satisfies readonly EndpointStatus[];

const REPLICA_STATES = [
  'RESERVED',
  'LOADING',
  'READY',
  'DRAINING',
  'UNLOADING',
  'RELEASED',
  'FAILED',
] as const satisfies readonly ReplicaState[];

export const ZEndpointStatus = z.enum(
  ENDPOINT_STATUSES,
  `must be one of ${ENDPOINT_STATUSES.join(', ')}`,
);

/** Bounds of the time-to-first-token target, p95, in ms. */
export const SLO_MIN_MS = 10;
export const SLO_MAX_MS = 60_000;
export const MAX_DEMAND_METROS = 20;

const ZEndpointName = z.string().trim().min(1, 'must not be empty').max(100, 'is too long');

const ZSlo = z
  .number()
  .int('must be a whole number of milliseconds')
  .min(SLO_MIN_MS, `must be at least ${SLO_MIN_MS} ms`)
  .max(SLO_MAX_MS, `must be at most ${SLO_MAX_MS} ms`);

const ZExpectedRps = z
  .number()
  .positive('must be more than 0 requests per second')
  .max(1_000_000, 'must be at most 1,000,000 requests per second');

export const ZDemandInput = z
  .array(
    z.object({
      metroId: ZId.transform((id) => id.trim().toLowerCase()),
      weight: z.number().positive('must be more than 0').max(1e9, 'is too large'),
    }),
  )
  .min(1, 'must name at least one metro')
  .max(MAX_DEMAND_METROS, `must name at most ${MAX_DEMAND_METROS} metros`)
  .superRefine((demand, ctx) => {
    const seen = new Set<string>();
    demand.forEach((d, i) => {
      if (seen.has(d.metroId)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'metroId'],
          message: `${d.metroId} appears more than once; give each metro once with its total weight`,
        });
      }
      seen.add(d.metroId);
    });
  });

export type TDemandInput = z.infer<typeof ZDemandInput>;

export const ZCreateEndpointInput = z.object({
  name: ZEndpointName,
  modelId: ZId,
  sloTtftP95Ms: ZSlo,
  jurisdictions: ZJurisdictionSet,
  demand: ZDemandInput,
  expectedRps: ZExpectedRps,
  budgetMicrosPerMonth: ZMicros.optional(),
  redundancy: z.boolean().default(true),
  idempotencyKey: ZIdempotencyKey,
});

export type TCreateEndpointInput = z.infer<typeof ZCreateEndpointInput>;

export const ZUpdateEndpointInput = z.object({
  id: ZId,
  name: ZEndpointName.optional(),
  sloTtftP95Ms: ZSlo.optional(),
  jurisdictions: ZJurisdictionSet.optional(),
  demand: ZDemandInput.optional(),
  expectedRps: ZExpectedRps.optional(),
  budgetMicrosPerMonth: ZMicros.nullable().optional(),
  idempotencyKey: ZIdempotencyKey,
});

export type TUpdateEndpointInput = z.infer<typeof ZUpdateEndpointInput>;

export const ZListEndpointsInput = ZPageInput.extend({ status: ZEndpointStatus.optional() });

export const ZEndpoint = z.object({
  id: z.string(),
  name: z.string(),
  modelId: z.string(),
  sloTtftP95Ms: z.number().int(),
  jurisdictions: z.array(z.string()),
  /** Share of demand per metro, as a fraction: the weights sum to 1. */
  demand: z.array(z.object({ metroId: z.string(), weight: z.number().min(0).max(1) })),
  expectedRps: z.number(),
  budgetMicrosPerMonth: z.number().int().nullable(),
  redundancy: z.boolean(),
  status: ZEndpointStatus,
  createdAt: z.date(),
  updatedAt: z.date(),
});

export type TEndpoint = z.infer<typeof ZEndpoint>;

export const ZEndpointDetail = ZEndpoint.extend({
  /** Why provisioning failed (placement's reasons), when the status is FAILED. */
  failureReason: z.string().nullable(),
  /** What provisioning did, step by step, oldest first (since the latest create or resume). */
  steps: z.array(z.object({ at: z.date(), message: z.string() })),
  events: z.array(z.object({ at: z.date(), kind: z.string(), message: z.string() })),
  replicas: z.array(
    z.object({
      id: z.string(),
      nodeId: z.string(),
      siteName: z.string(),
      state: z.enum(REPLICA_STATES),
    }),
  ),
});

export interface EndpointRow {
  id: string;
  name: string;
  modelId: string;
  sloTtftP95Ms: number;
  jurisdictions: string[];
  expectedRps: number;
  budgetMicrosPerMonth: bigint | null;
  redundancy: boolean;
  status: EndpointStatus;
  createdAt: Date;
  updatedAt: Date;
  demands: { metroId: string; weightBp: number }[];
}

/** The query shape `toEndpoint` needs. */
export const withDemands = { demands: { select: { metroId: true, weightBp: true } } } as const;

export function toEndpoint(e: EndpointRow): TEndpoint {
  return {
    id: e.id,
    name: e.name,
    modelId: e.modelId,
    sloTtftP95Ms: e.sloTtftP95Ms,
    jurisdictions: e.jurisdictions,
    demand: [...e.demands]
      .sort((a, b) => b.weightBp - a.weightBp || a.metroId.localeCompare(b.metroId))
      .map((d) => ({ metroId: d.metroId, weight: d.weightBp / 10_000 })),
    expectedRps: e.expectedRps,
    budgetMicrosPerMonth: e.budgetMicrosPerMonth === null ? null : Number(e.budgetMicrosPerMonth),
    redundancy: e.redundancy,
    status: e.status,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
