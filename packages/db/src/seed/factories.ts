// Factories for seed data, shared by the demo seed and tests. Each is idempotent by a unique key.
import type { Db } from '../client';
import type { OrgKind, Role, NodeStatus } from '../../generated/prisma/client';
import { hashPassword } from '../password';
import { GPU_TYPES, METROS, MODELS } from './catalogue';

export async function seedCatalogue(db: Db): Promise<void> {
  for (const m of METROS) {
    await db.metro.upsert({ where: { id: m.id }, create: m, update: m });
  }
  for (const g of GPU_TYPES) {
    await db.gpuType.upsert({ where: { id: g.id }, create: g, update: g });
  }
  for (const m of MODELS) {
    await db.model.upsert({ where: { id: m.id }, create: m, update: m });
  }
}

export function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'org'
  );
}

export async function upsertOrganization(
  db: Db,
  input: { name: string; slug?: string; kinds: OrgKind[] },
) {
  const slug = input.slug ?? slugify(input.name);
  return db.organization.upsert({
    where: { slug },
    create: { name: input.name, slug, kinds: input.kinds },
    update: {},
  });
}

export async function upsertUser(
  db: Db,
  input: { email: string; name: string; password?: string; isPlatformAdmin?: boolean },
) {
  const email = input.email.toLowerCase();
  const existing = await db.user.findUnique({ where: { email } });
  if (existing) return existing;
  return db.user.create({
    data: {
      email,
      name: input.name,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      isPlatformAdmin: input.isPlatformAdmin ?? false,
    },
  });
}

export async function upsertMembership(db: Db, userId: string, organizationId: string, role: Role) {
  return db.membership.upsert({
    where: { userId_organizationId: { userId, organizationId } },
    create: { userId, organizationId, role },
    update: { role },
  });
}

export interface SiteSeed {
  name: string;
  metroId: string;
  jurisdictions: string[];
  uplinkGbps: number;
  egressPriceMicrosPerGb: bigint;
  nodes: { name: string; gpuTypeId: string; gpuCount: number; status?: NodeStatus }[];
}

export async function upsertSite(db: Db, organizationId: string, seed: SiteSeed) {
  const metro = METROS.find((m) => m.id === seed.metroId);
  if (!metro) throw new Error(`Unknown metro ${seed.metroId}`);
  const data = {
    metroId: metro.id,
    countryCode: metro.countryCode,
    lat: metro.lat,
    lon: metro.lon,
    jurisdictions: seed.jurisdictions,
    uplinkGbps: seed.uplinkGbps,
    egressPriceMicrosPerGb: seed.egressPriceMicrosPerGb,
  };
  const site = await db.site.upsert({
    where: { organizationId_name: { organizationId, name: seed.name } },
    create: { organizationId, name: seed.name, ...data },
    update: data,
  });
  for (const n of seed.nodes) {
    const gpu = GPU_TYPES.find((g) => g.id === n.gpuTypeId);
    if (!gpu) throw new Error(`Unknown GPU type ${n.gpuTypeId}`);
    await db.node.upsert({
      where: { siteId_name: { siteId: site.id, name: n.name } },
      create: {
        organizationId,
        siteId: site.id,
        name: n.name,
        gpuTypeId: gpu.id,
        gpuCount: n.gpuCount,
        gpuMemoryGb: gpu.memoryGb,
        status: n.status ?? 'ENROLLING',
      },
      update: {},
    });
  }
  return site;
}
