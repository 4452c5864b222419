// Activities: the only code that touches the database or the network. Workflows import
// their type alone (see ../workflows/health-check.ts); the worker builds them with their
// dependencies.
import type { Db } from '@aigrid/db';

export interface ActivityDeps {
  prisma: Db;
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

export function createActivities({ prisma }: ActivityDeps) {
  return {
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
