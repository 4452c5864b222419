// For platform admins: operators whose capacity waits for approval before it reaches the market.
import { db } from '@/server/db';
import { ApproveOperatorButton } from './approve-button';

export async function PendingOperators() {
  const pending = await db().operatorProfile.findMany({
    where: { approvedAt: null },
    include: {
      organization: {
        select: { id: true, name: true, _count: { select: { sites: true, nodes: true } } },
      },
    },
    orderBy: { createdAt: 'asc' },
  });
  return (
    <section className="panel" aria-labelledby="pending-operators-heading">
      <h2 id="pending-operators-heading">Operators awaiting approval</h2>
      {pending.length === 0 ? (
        <div className="empty">No operator is waiting.</div>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Organisation</th>
              <th>Legal name</th>
              <th>Sites</th>
              <th>Nodes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {pending.map((p) => (
              <tr key={p.organizationId}>
                <td>{p.organization.name}</td>
                <td>{p.legalName}</td>
                <td>{p.organization._count.sites}</td>
                <td>{p.organization._count.nodes}</td>
                <td>
                  <ApproveOperatorButton id={p.organization.id} name={p.organization.name} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
