// The create wizard: the developer describes the endpoint (model, latency SLO, jurisdictions,
// where its users are, load, budget), sees where it would go, its latency per metro and its
// price, and what relaxing or tightening the SLO would do, then confirms.
import { JURISDICTIONS } from '@aigrid/api';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireOrganization } from '@/server/auth/session';
import { db } from '@/server/db';
import { CreateEndpointWizard } from './create-endpoint-wizard';

export const dynamic = 'force-dynamic';

export default async function NewEndpointPage() {
  const { membership } = await requireOrganization();
  const org = membership?.organization;
  if (!org || !org.kinds.includes('DEVELOPER')) notFound();
  const [models, metros] = await Promise.all([
    db().model.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    db().metro.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
  ]);
  return (
    <main className="container">
      <p>
        <Link href="/dashboard">← Dashboard</Link>
      </p>
      <h1>New endpoint</h1>
      <p className="muted">
        Ask for a latency and a jurisdiction; the grid picks the points of presence that keep them.
        Nothing is reserved or charged until you create it.
      </p>
      <CreateEndpointWizard models={models} metros={metros} jurisdictions={[...JURISDICTIONS]} />
    </main>
  );
}
