// The demo grid that `npm start` seeds: an operator with POPs in two jurisdictions and a
// developer organisation, each with a demo login. Safe to run again: it changes nothing twice.
import type { Db } from '../client';
import {
  seedCatalogue,
  upsertMembership,
  upsertOrganization,
  upsertSite,
  upsertUser,
  type SiteSeed,
} from './factories';

export const DEMO_PASSWORD = 'grid-demo-2026';

export const DEMO_LOGINS = {
  operator: { email: 'ops@nordtel.example', password: DEMO_PASSWORD, organization: 'Nordtel' },
  developer: { email: 'dev@parla.example', password: DEMO_PASSWORD, organization: 'Parla' },
  platformAdmin: { email: 'admin@aigrid.example', password: DEMO_PASSWORD, organization: null },
} as const;

const NORDTEL_SITES: SiteSeed[] = [
  {
    name: 'Frankfurt-POP-3',
    metroId: 'frankfurt',
    jurisdictions: ['EU', 'GDPR'],
    uplinkGbps: 100,
    egressPriceMicrosPerGb: 10_000n,
    nodes: [
      { name: 'fra3-gpu-1', gpuTypeId: 'L40S', gpuCount: 4 },
      { name: 'fra3-gpu-2', gpuTypeId: 'L40S', gpuCount: 4 },
    ],
  },
  {
    name: 'Paris-POP-1',
    metroId: 'paris',
    jurisdictions: ['EU', 'GDPR'],
    uplinkGbps: 100,
    egressPriceMicrosPerGb: 12_000n,
    nodes: [{ name: 'par1-gpu-1', gpuTypeId: 'H100', gpuCount: 2 }],
  },
  {
    name: 'Ashburn-POP-1',
    metroId: 'ashburn',
    jurisdictions: ['US', 'HIPAA'],
    uplinkGbps: 400,
    egressPriceMicrosPerGb: 8_000n,
    nodes: [{ name: 'ash1-gpu-1', gpuTypeId: 'H100', gpuCount: 8 }],
  },
];

/** The demo grid's nodes: `npm start` runs an agent with the simulated engine for each. */
export const DEMO_NODE_NAMES = NORDTEL_SITES.flatMap((s) => s.nodes.map((n) => n.name));

export async function seedDemo(db: Db) {
  await seedCatalogue(db);

  const nordtel = await upsertOrganization(db, { name: 'Nordtel', kinds: ['OPERATOR'] });
  await db.operatorProfile.upsert({
    where: { organizationId: nordtel.id },
    create: { organizationId: nordtel.id, legalName: 'Nordtel AG', approvedAt: new Date() },
    update: {},
  });
  const ops = await upsertUser(db, {
    email: DEMO_LOGINS.operator.email,
    name: 'Nora Operator',
    password: DEMO_PASSWORD,
  });
  await upsertMembership(db, ops.id, nordtel.id, 'OWNER');
  const sites = [];
  for (const seed of NORDTEL_SITES) sites.push(await upsertSite(db, nordtel.id, seed));
  // Offers: 70% of Frankfurt's L40S, 60% of Paris's H100, 80% of Ashburn's H100. Priced so that
  // the voice-agent endpoint of the scenarios (Frankfurt and Paris, redundant) fits a budget of
  // $2,000 a month: one L40S and one H100 around the clock, $1,861.50.
  const offers = [
    { gpuTypeId: 'L40S', gpuHour: 900_000n, mTokens: 150_000n, shareBp: 7_000 },
    { gpuTypeId: 'H100', gpuHour: 1_650_000n, mTokens: 120_000n, shareBp: 6_000 },
    { gpuTypeId: 'H100', gpuHour: 1_600_000n, mTokens: 100_000n, shareBp: 8_000 },
  ];
  for (const [i, site] of sites.entries()) {
    const offer = offers[i];
    if (!offer || (await db.offer.count({ where: { siteId: site.id } })) > 0) continue;
    await db.offer.create({
      data: {
        organizationId: nordtel.id,
        siteId: site.id,
        gpuTypeId: offer.gpuTypeId,
        pricePerGpuHourMicros: offer.gpuHour,
        pricePerMTokensMicros: offer.mTokens,
        capacityShareBp: offer.shareBp,
      },
    });
  }

  const parla = await upsertOrganization(db, { name: 'Parla', kinds: ['DEVELOPER'] });
  const dev = await upsertUser(db, {
    email: DEMO_LOGINS.developer.email,
    name: 'Paolo Developer',
    password: DEMO_PASSWORD,
  });
  await upsertMembership(db, dev.id, parla.id, 'OWNER');

  const admin = await upsertUser(db, {
    email: DEMO_LOGINS.platformAdmin.email,
    name: 'Platform Admin',
    password: DEMO_PASSWORD,
    isPlatformAdmin: true,
  });

  return { nordtel, parla, users: { ops, dev, admin } };
}
