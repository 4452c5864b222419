// Activities: the only code that touches the database or the network. Workflows import
// their type alone (see ../workflows/health-check.ts); the worker builds them with their
// dependencies.
import type { Db } from '@aigrid/db';
import { DEFAULT_CONTROL_SETTINGS, type ControlSettings } from '../control-settings';
import { createEndpointActivities } from './endpoint-activities';
import { createNodeActivities } from './node-activities';
import { createReconcileActivities } from './reconcile-activities';

export interface ActivityDeps {
  prisma: Db;
  /** Pacing and gateways; the defaults suit the local grid. */
  settings?: ControlSettings;
  /** The activities' clock (tests move it). */
  now?: () => Date;
}

export interface DatabaseHealth {
  ok: true;
  organizations: number;
  sites: number;
  nodes: number;
  /** Round trip of the health query, in milliseconds. */
  latencyMs: number;
}

interface CountsRow {
  organizations: number;
  sites: number;
  nodes: number;
}

export function createActivities({
  prisma,
  settings = DEFAULT_CONTROL_SETTINGS,
  now,
}: ActivityDeps) {
  const deps = { prisma, settings, ...(now ? { now } : {}) };
  return {
    ...createEndpointActivities(deps),
    ...createReconcileActivities(deps),
    ...createNodeActivities(deps),
    /** One query that proves the database answers and the schema is in place. */
    async checkDatabase(): Promise<DatabaseHealth> {
      const started = performance.now();
      const rows = await prisma.$queryRaw<CountsRow[]>`
        SELECT (SELECT count(*) FROM "Organization")::int AS organizations,
               (SELECT count(*) FROM "Site")::int AS sites,
               (SELECT count(*) FROM "Node")::int AS nodes`;
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      const row = rows[0];
      if (!row) throw new Error('The database health query returned no row');
      return {
        ok: true,
        organizations: row.organizations,
        sites: row.sites,
        nodes: row.nodes,
        latencyMs,
      };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
