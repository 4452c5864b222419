// Pausing and resuming an endpoint. Pausing records the wish (status PAUSED) and the endpoint's
// reconcile workflow unroutes, unloads and releases its replicas; resuming puts it back to
// PROVISIONING, which the provisioning workflow places and loads again. A FAILED endpoint can be
// resumed too: that retries provisioning. Each write records an event and an audit row in one
// transaction.
import { writeAudit, type EndpointStatus } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { toEndpoint, withDemands, type TEndpoint } from './endpoint-schemas';
import type { WriteContext } from './write-endpoint';

const PAUSABLE: EndpointStatus[] = ['ACTIVE', 'DEGRADED'];
const RESUMABLE: EndpointStatus[] = ['PAUSED', 'FAILED'];

interface Transition {
  action: 'endpoint.pause' | 'endpoint.resume';
  from: EndpointStatus[];
  to: EndpointStatus;
  /** Status already reached: asking again returns the endpoint unchanged. */
  done: EndpointStatus[];
  message: (from: EndpointStatus) => string;
  refusal: (status: EndpointStatus) => string;
}

const PAUSE: Transition = {
  action: 'endpoint.pause',
  from: PAUSABLE,
  to: 'PAUSED',
  done: ['PAUSED'],
  message: () => 'Pause requested: its replicas are unrouted, unloaded and released.',
  refusal: (status) =>
    `This endpoint is ${status.toLowerCase()}; only an active or degraded endpoint can be paused.`,
};

const RESUME: Transition = {
  action: 'endpoint.resume',
  from: RESUMABLE,
  to: 'PROVISIONING',
  done: ['PROVISIONING', 'ACTIVE', 'DEGRADED'],
  message: (from) =>
    from === 'FAILED'
      ? 'Retry requested: provisioning starts again.'
      : 'Resume requested: its replicas are placed and loaded again.',
  refusal: (status) =>
    `This endpoint is ${status.toLowerCase()}; only a paused or failed endpoint can be resumed.`,
};

async function transition(c: WriteContext, id: string, t: Transition): Promise<TEndpoint> {
  return c.db.$transaction(async (tx) => {
    const current = await tx.endpoint.findFirst({
      where: { id, organizationId: c.org.id },
      include: withDemands,
    });
    if (!current) throw new TRPCError({ code: 'NOT_FOUND', message: 'Endpoint not found.' });
    if (t.done.includes(current.status)) return toEndpoint(current);
    if (!t.from.includes(current.status)) {
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: t.refusal(current.status) });
    }
    // Conditional on the status read above, so that a concurrent change wins or loses whole.
    const claimed = await tx.endpoint.updateMany({
      where: { id: current.id, status: current.status },
      data: { status: t.to, ...(t.to === 'PROVISIONING' ? { failureReason: null } : {}) },
    });
    if (claimed.count !== 1) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: 'The endpoint changed while this request ran; read it again and retry.',
      });
    }
    await tx.endpointEvent.create({
      data: {
        endpointId: current.id,
        at: c.now(),
        kind: t.action === 'endpoint.pause' ? 'paused' : 'resumed',
        message: t.message(current.status),
      },
    });
    await writeAudit(tx, {
      organizationId: c.org.id,
      actorUserId: c.actor.userId,
      actorApiKeyId: c.actor.apiKeyId,
      action: t.action,
      targetType: 'Endpoint',
      targetId: current.id,
      data: { from: current.status, to: t.to },
    });
    const updated = await tx.endpoint.findUniqueOrThrow({
      where: { id: current.id },
      include: withDemands,
    });
    return toEndpoint(updated);
  });
}

export const pauseEndpoint = (c: WriteContext, id: string) => transition(c, id, PAUSE);
export const resumeEndpoint = (c: WriteContext, id: string) => transition(c, id, RESUME);
