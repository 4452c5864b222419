// The demo grid's node agents: one process per seeded node, each with the simulated engine.
// An agent keeps its credential in the data folder; a node without a valid one gets a fresh
// enrolment token written straight into the database, as `node.rotateToken` would.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateEnrolmentToken } from '@aigrid/api';
import type { Db } from '@aigrid/db';
import { DEMO_NODE_NAMES } from '@aigrid/db/seed';
import { startProcess, type ManagedProcess } from './services/process';
import { REPO_ROOT } from './services/paths';

const AGENT_BIN = path.join(REPO_ROOT, 'apps/agent/bin/aigrid-agent.mjs');

function credentialStillValid(stateFile: string, agentSecretHash: string | null): boolean {
  if (!existsSync(stateFile) || !agentSecretHash) return false;
  try {
    const { agentSecret } = JSON.parse(readFileSync(stateFile, 'utf8')) as { agentSecret: string };
    return createHash('sha256').update(agentSecret).digest('hex') === agentSecretHash;
  } catch {
    return false;
  }
}

export async function startDemoAgents(opts: {
  db: Db;
  dataDir: string;
  controlPlaneUrl: string;
  temporalAddress: string;
  env: NodeJS.ProcessEnv;
  childLog: (name: string, line: string) => void;
}): Promise<ManagedProcess[]> {
  const nodes = await opts.db.node.findMany({
    where: { name: { in: [...DEMO_NODE_NAMES] } },
    orderBy: { name: 'asc' },
  });
  const dir = path.join(opts.dataDir, 'agents');
  mkdirSync(dir, { recursive: true });
  return Promise.all(
    nodes.map(async (node, i) => {
      const stateFile = path.join(dir, `${node.name}.json`);
      const args = [AGENT_BIN, '--control-plane', opts.controlPlaneUrl, '--state', stateFile];
      if (!credentialStillValid(stateFile, node.agentSecretHash)) {
        rmSync(stateFile, { force: true });
        const { token, tokenHash } = generateEnrolmentToken();
        await opts.db.node.update({
          where: { id: node.id },
          data: { enrolmentTokenHash: tokenHash, enrolledAt: null, agentSecretHash: null },
        });
        args.push('--token', token);
      }
      const name = `agent ${node.name}`;
      return startProcess(name, process.execPath, args, {
        cwd: REPO_ROOT,
        env: {
          ...opts.env,
          TEMPORAL_ADDRESS: opts.temporalAddress,
          AIGRID_GPU_TYPE: node.gpuTypeId,
          AIGRID_GPU_COUNT: String(node.gpuCount),
          AIGRID_ENGINE_PORT_BASE: String(18_000 + i * 100),
        },
        log: (line) => opts.childLog(name, line),
      });
    }),
  );
}
