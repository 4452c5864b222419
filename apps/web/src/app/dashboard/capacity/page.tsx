// The operator console's capacity page: add a point of presence, enrol its GPU nodes (each gets
// a one-time command that starts the agent) and offer a share of them at a price.
import { JURISDICTIONS } from '@aigrid/api';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireOrganization } from '@/server/auth/session';
import { db } from '@/server/db';
import { EnrolNodeForm, PublishOfferForm, SiteForm } from './capacity-forms';

export const dynamic = 'force-dynamic';

export default async function CapacityPage() {
  const { membership } = await requireOrganization();
  const org = membership?.organization;
  if (!org || !org.kinds.includes('OPERATOR')) notFound();
  const [metros, gpuTypes, sites] = await Promise.all([
    db().metro.findMany({
      orderBy: { name: 'asc' },
      select: { id: true, name: true, countryCode: true },
    }),
    db().gpuType.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true } }),
    db().site.findMany({
      where: { organizationId: org.id },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    }),
  ]);
  return (
    <main className="container">
      <p>
        <Link href="/dashboard">← Console</Link>
      </p>
      <h1>Capacity</h1>
      <p className="muted">
        List a point of presence, enrol its GPU nodes and offer a share of them to developers.
      </p>
      <div className="grid">
        <section className="panel" aria-labelledby="site-heading">
          <h2 id="site-heading">Add a site</h2>
          <SiteForm metros={metros} jurisdictions={[...JURISDICTIONS]} />
        </section>
        <section className="panel" aria-labelledby="node-heading">
          <h2 id="node-heading">Enrol a node</h2>
          {sites.length === 0 ? (
            <div className="empty">Add a site first.</div>
          ) : (
            <EnrolNodeForm sites={sites} gpuTypes={gpuTypes} />
          )}
        </section>
        <section className="panel" aria-labelledby="offer-heading">
          <h2 id="offer-heading">Publish an offer</h2>
          {sites.length === 0 ? (
            <div className="empty">Add a site first.</div>
          ) : (
            <PublishOfferForm sites={sites} gpuTypes={gpuTypes} />
          )}
        </section>
      </div>
    </main>
  );
}
