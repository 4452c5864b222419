// One endpoint of the developer's organisation: its status, what provisioning did step by step
// (refreshed every two seconds while something is in progress), why it failed, its replicas and
// its event log.
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { env } from '@/env';
import { requireOrganization } from '@/server/auth/session';
import { db } from '@/server/db';
import { EndpointActions } from './endpoint-actions';

export const dynamic = 'force-dynamic';

const IN_PROGRESS = ['PROVISIONING', 'DECOMMISSIONING', 'PAUSED'];
const SERVING = ['ACTIVE', 'DEGRADED'];

function sdkSnippet(baseURL: string, model: string): string {
  return [
    "import OpenAI from 'openai';",
    '',
    `const client = new OpenAI({ baseURL: ${JSON.stringify(baseURL)}, apiKey: process.env.AIGRID_API_KEY });`,
    'const stream = await client.chat.completions.create({',
    `  model: ${JSON.stringify(model)},`,
    "  messages: [{ role: 'user', content: 'Hello!' }],",
    '  stream: true,',
    '});',
    "for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');",
  ].join('\n');
}

export default async function EndpointPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { membership } = await requireOrganization();
  const org = membership?.organization;
  if (!org) notFound();
  const endpoint = await db().endpoint.findFirst({
    where: { id, organizationId: org.id },
    include: {
      model: { select: { name: true } },
      replicas: {
        where: { state: { notIn: ['RELEASED'] } },
        orderBy: { createdAt: 'asc' },
        include: { node: { select: { name: true, site: { select: { name: true } } } } },
      },
      events: { orderBy: [{ at: 'desc' }, { id: 'desc' }], take: 30 },
    },
  });
  if (!endpoint) notFound();
  const start = await db().endpointEvent.findFirst({
    where: { endpointId: endpoint.id, kind: { in: ['created', 'resumed'] } },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    select: { id: true },
  });
  const steps = await db().endpointEvent.findMany({
    where: { endpointId: endpoint.id, kind: 'step', ...(start ? { id: { gt: start.id } } : {}) },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
  const busy =
    IN_PROGRESS.includes(endpoint.status) &&
    !(endpoint.status === 'PAUSED' && endpoint.replicas.length === 0);
  return (
    <main className="container">
      {busy && <meta httpEquiv="refresh" content="2" />}
      <p>
        <Link href="/dashboard">← Dashboard</Link>
      </p>
      <h1>{endpoint.name}</h1>
      <p className="muted">
        {endpoint.model.name} · p95 time to first token {endpoint.sloTtftP95Ms} ms ·{' '}
        {endpoint.jurisdictions.join(', ')}
      </p>
      <p>
        Status: <strong data-testid="endpoint-status">{endpoint.status.toLowerCase()}</strong>
      </p>
      <EndpointActions id={endpoint.id} status={endpoint.status} />
      {endpoint.status === 'FAILED' && endpoint.failureReason && (
        <div className="panel" role="alert" data-testid="failure-reason">
          <h2>Why it failed</h2>
          <p>{endpoint.failureReason}</p>
        </div>
      )}
      <section className="panel" aria-labelledby="steps-heading">
        <h2 id="steps-heading">Provisioning</h2>
        {steps.length === 0 ? (
          <div className="empty">Waiting for provisioning to start.</div>
        ) : (
          <ol data-testid="provisioning-steps">
            {steps.map((s) => (
              <li key={String(s.id)}>
                <time dateTime={s.at.toISOString()}>{s.at.toISOString().slice(11, 19)}</time>{' '}
                {s.message}
              </li>
            ))}
          </ol>
        )}
      </section>
      {SERVING.includes(endpoint.status) && (
        <section className="panel" aria-labelledby="use-heading">
          <h2 id="use-heading">Use it</h2>
          <p className="muted">
            The OpenAI SDK as it is: set the base URL and an API key with the inference scope.
          </p>
          <pre data-testid="sdk-snippet">
            <code>{sdkSnippet(env().AIGRID_GATEWAY_PUBLIC_URL, endpoint.name)}</code>
          </pre>
        </section>
      )}
      <section className="panel" aria-labelledby="replicas-heading">
        <h2 id="replicas-heading">Replicas</h2>
        {endpoint.replicas.length === 0 ? (
          <div className="empty">No replica runs.</div>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Site</th>
                <th>Node</th>
                <th>GPUs</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {endpoint.replicas.map((r) => (
                <tr key={r.id}>
                  <td>{r.node.site.name}</td>
                  <td>{r.node.name}</td>
                  <td>{r.gpuCount}</td>
                  <td>{r.state.toLowerCase()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="events-heading">
        <h2 id="events-heading">Events</h2>
        <ul>
          {endpoint.events.map((e) => (
            <li key={String(e.id)}>
              <time dateTime={e.at.toISOString()}>
                {e.at.toISOString().replace('T', ' ').slice(0, 19)}
              </time>{' '}
              <span className="muted">{e.kind}</span> {e.message}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
