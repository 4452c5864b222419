// Test data for endpoint tests: operator sites (market capacity for the physics check) and
// endpoint specifications.
import type { Db } from '@aigrid/db';

/** A site at the centre of `metroId`, owned by `organizationId`. */
export async function addSite(
  db: Db,
  organizationId: string,
  name: string,
  metroId: string,
  jurisdictions: string[],
) {
  const metro = await db.metro.findUniqueOrThrow({ where: { id: metroId } });
  return db.site.create({
    data: {
      organizationId,
      name,
      metroId,
      countryCode: metro.countryCode,
      lat: metro.lat,
      lon: metro.lon,
      jurisdictions,
      uplinkGbps: 100,
      egressPriceMicrosPerGb: 10_000n,
    },
  });
}

/**
 * A third organisation, neither acme nor rival, operating a Frankfurt site (EU, GDPR) and an
 * Ashburn site (US, HIPAA).
 */
export async function seedMarket(db: Db) {
  const operator = await db.organization.create({
    data: { name: 'Nordtel', slug: `nordtel-${Date.now()}`, kinds: ['OPERATOR'] },
  });
  const frankfurt = await addSite(db, operator.id, 'FRA-1', 'frankfurt', ['EU', 'GDPR']);
  const ashburn = await addSite(db, operator.id, 'ASH-1', 'ashburn', ['US', 'HIPAA']);
  return { operatorId: operator.id, frankfurt, ashburn };
}

let counter = 0;

/** A valid `endpoint.create` input with a fresh name: 200 ms in the EU, demand from FRA and PAR. */
export function endpointSpec(over: Record<string, unknown> = {}) {
  counter += 1;
  return {
    name: `chat-${counter}`,
    modelId: 'llama-3.1-8b-instruct',
    sloTtftP95Ms: 200,
    jurisdictions: ['EU'],
    demand: [
      { metroId: 'frankfurt', weight: 3 },
      { metroId: 'paris', weight: 1 },
    ],
    expectedRps: 5,
    ...over,
  };
}
