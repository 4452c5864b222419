import Link from 'next/link';
import { db } from '@/server/db';
import { CreateApiKeyForm, RevokeApiKeyButton } from './keys/api-key-forms';

export async function DeveloperOverview({ organizationId }: { organizationId: string }) {
  const [endpoints, apiKeys] = await Promise.all([
    db().endpoint.findMany({
      where: { organizationId },
      include: { model: { select: { name: true } } },
      orderBy: { createdAt: 'desc' },
    }),
    db().apiKey.findMany({
      where: { organizationId, revokedAt: null },
      orderBy: { createdAt: 'desc' },
    }),
  ]);
  return (
    <div className="grid">
      <section className="panel" aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        <p>
          <Link className="button" href="/dashboard/endpoints/new">
            New endpoint
          </Link>
        </p>
        {endpoints.length === 0 ? (
          <div className="empty">
            No endpoints yet. An endpoint serves a model within your latency SLO and jurisdiction.
          </div>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Endpoint</th>
                <th>Model</th>
                <th>SLO p95 TTFT</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link href={`/dashboard/endpoints/${e.id}`}>{e.name}</Link>
                  </td>
                  <td>{e.model.name}</td>
                  <td>{e.sloTtftP95Ms} ms</td>
                  <td>{e.status.toLowerCase()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="keys-heading">
        <h2 id="keys-heading">API keys</h2>
        {apiKeys.length === 0 ? (
          <div className="empty">No API keys yet. Create one to call your endpoints.</div>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {apiKeys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scopes.map((s) => s.toLowerCase()).join(', ')}</td>
                  <td>{k.lastUsedAt ? k.lastUsedAt.toISOString() : 'never'}</td>
                  <td>
                    <RevokeApiKeyButton id={k.id} name={k.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <CreateApiKeyForm />
      </section>
    </div>
  );
}
