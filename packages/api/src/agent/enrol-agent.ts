// Enrolment: an agent presents its node's one-time enrolment token and the GPUs it found; it
// gets the node's identity, its Temporal task queue and a credential for heartbeats.
import { writeAudit, type Db } from '@aigrid/db';
import { ZEnrolInput } from './agent-schemas';
import { generateAgentSecret, sha256 } from './agent-auth';
import { invalidBody, type AgentResult } from './agent-result';

export const HEARTBEAT_INTERVAL_MS = 5_000;

export interface Enrolment {
  nodeId: string;
  nodeName: string;
  siteId: string;
  organizationId: string;
  taskQueue: string;
  agentSecret: string;
  heartbeatIntervalMs: number;
}

export async function enrolAgent(
  db: Db,
  token: string | null,
  body: unknown,
  now: Date,
): Promise<AgentResult<Enrolment>> {
  if (!token) {
    return {
      ok: false,
      status: 401,
      message: 'Send the enrolment token as `Authorization: Bearer agn_…`.',
    };
  }
  const parsed = ZEnrolInput.safeParse(body);
  if (!parsed.success) {
    return invalidBody(parsed.error);
  }
  const node = await db.node.findUnique({ where: { enrolmentTokenHash: sha256(token) } });
  if (!node || node.enrolledAt) {
    return {
      ok: false,
      status: 401,
      message:
        'This enrolment token is not valid: it is wrong, was already used, or was replaced. ' +
        'Create a new one for the node in the console (or `aigrid nodes enroll`).',
    };
  }
  const { gpus } = parsed.data;
  if (gpus.gpuTypeId !== node.gpuTypeId || gpus.gpuCount !== node.gpuCount) {
    return {
      ok: false,
      status: 409,
      message:
        `This node was registered with ${node.gpuCount} × ${node.gpuTypeId}, but the agent found ` +
        `${gpus.gpuCount} × ${gpus.gpuTypeId}. Fix the node in the console or the agent's GPU settings.`,
    };
  }
  const { secret, secretHash } = generateAgentSecret();
  // Conditional on the token still being unused: two agents racing with one token, one wins.
  const claimed = await db.$transaction(async (tx) => {
    const updated = await tx.node.updateMany({
      where: { id: node.id, enrolmentTokenHash: node.enrolmentTokenHash, enrolledAt: null },
      data: {
        enrolledAt: now,
        enrolmentTokenHash: null,
        agentSecretHash: secretHash,
        agentUrl: parsed.data.agentUrl ?? null,
      },
    });
    if (updated.count !== 1) return false;
    await writeAudit(tx, {
      organizationId: node.organizationId,
      action: 'node.enrol',
      targetType: 'Node',
      targetId: node.id,
      data: {
        agentUrl: parsed.data.agentUrl ?? null,
        agentVersion: parsed.data.agentVersion ?? null,
      },
    });
    return true;
  });
  if (!claimed) {
    return { ok: false, status: 401, message: 'This enrolment token was already used.' };
  }
  return {
    ok: true,
    value: {
      nodeId: node.id,
      nodeName: node.name,
      siteId: node.siteId,
      organizationId: node.organizationId,
      taskQueue: `node.${node.id}`,
      agentSecret: secret,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    },
  };
}
