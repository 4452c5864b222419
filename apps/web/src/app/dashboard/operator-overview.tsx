import Link from 'next/link';
import { db } from '@/server/db';

/** Three missed heartbeats. */
const STALE_MS = 15_000;

/** The newest health sample of each node. */
async function latestHealth(nodeIds: string[]) {
  const rows = await db().nodeHealth.findMany({
    where: { nodeId: { in: nodeIds } },
    orderBy: { at: 'desc' },
    distinct: ['nodeId'],
  });
  return new Map(rows.map((r) => [r.nodeId, r]));
}

export async function OperatorOverview({ organizationId }: { organizationId: string }) {
  const [sites, nodes, offers, profile] = await Promise.all([
    db().site.findMany({
      where: { organizationId },
      include: { metro: true, _count: { select: { nodes: true } } },
      orderBy: { name: 'asc' },
    }),
    db().node.findMany({
      where: { organizationId },
      include: { site: { select: { name: true } } },
      orderBy: [{ site: { name: 'asc' } }, { name: 'asc' }],
    }),
    db().offer.count({ where: { organizationId } }),
    db().operatorProfile.findUnique({ where: { organizationId }, select: { approvedAt: true } }),
  ]);
  const gpus = nodes.reduce((sum, n) => sum + n.gpuCount, 0);
  const latest = await latestHealth(nodes.map((n) => n.id));
  const now = Date.now();
  return (
    <div className="grid">
      {!profile?.approvedAt && (
        <div className="panel" role="status" data-testid="approval">
          Awaiting approval: your offers reach developers once a platform admin has approved your
          organisation.
        </div>
      )}
      <section className="panel" aria-labelledby="sites-heading">
        <h2 id="sites-heading">Sites</h2>
        <p>
          <Link className="button" href="/dashboard/capacity">
            Add capacity
          </Link>
        </p>
        {sites.length === 0 ? (
          <div className="empty">No sites yet. Add your first point of presence.</div>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Site</th>
                <th>Metro</th>
                <th>Jurisdictions</th>
                <th>Nodes</th>
              </tr>
            </thead>
            <tbody>
              {sites.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td>
                    {s.metro.name}, {s.countryCode}
                  </td>
                  <td>
                    {s.jurisdictions.map((j) => (
                      <span className="tag" key={j}>
                        {j}
                      </span>
                    ))}
                  </td>
                  <td>{s._count.nodes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="nodes-heading">
        <h2 id="nodes-heading">
          Nodes{' '}
          <span className="muted">
            · {gpus} GPUs · {offers} {offers === 1 ? 'offer' : 'offers'}
          </span>
        </h2>
        {nodes.length === 0 ? (
          <div className="empty">No GPU nodes enrolled yet.</div>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Node</th>
                <th>Site</th>
                <th>GPUs</th>
                <th>Status</th>
                <th>Load</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <tr key={n.id}>
                  <td>{n.name}</td>
                  <td>{n.site.name}</td>
                  <td>
                    {n.gpuCount} × {n.gpuTypeId}
                  </td>
                  <td className={`status-${n.status}`}>
                    {n.status.toLowerCase()}
                    {n.lastHeartbeatAt && now - n.lastHeartbeatAt.getTime() > STALE_MS && (
                      <span className="muted">
                        {' '}
                        · no heartbeat for {Math.round(
                          (now - n.lastHeartbeatAt.getTime()) / 1000,
                        )}{' '}
                        s
                      </span>
                    )}
                  </td>
                  <td className="muted">
                    {latest.get(n.id)
                      ? `${latest.get(n.id)!.requestsRunning} running · ${latest.get(n.id)!.requestsWaiting} queued · KV ${Math.round(latest.get(n.id)!.kvCacheUsage * 100)}%`
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
