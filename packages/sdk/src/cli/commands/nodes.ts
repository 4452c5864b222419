// The `aigrid nodes` commands (GPU nodes).
import { allPages, defined, str, type Command } from '../framework';
import { cell, table } from '../output';
import { arg, idempotencyFlag, lines, need, needInt } from './command-helpers';

export const nodesEnroll: Command = {
  words: ['nodes', 'enroll'],
  summary: 'register a GPU node and print the one-time enrolment command for its agent',
  flags: {
    site: { type: 'string', value: 'ID', help: 'the site it is in', required: true },
    name: { type: 'string', value: 'NAME', help: 'its name, unique in the site', required: true },
    gpu: { type: 'string', value: 'GPU', help: 'GPU type, such as L40S', required: true },
    gpus: { type: 'string', value: 'N', help: 'number of GPUs', required: true },
    ...idempotencyFlag(),
  },
  examples: ['aigrid nodes enroll --site SITE_ID --name gpu-01 --gpu L40S --gpus 4'],
  async run(ctx) {
    const input = {
      siteId: need(ctx, 'site'),
      name: need(ctx, 'name'),
      gpuTypeId: need(ctx, 'gpu'),
      gpuCount: needInt(ctx, 'gpus', { min: 1 }),
      idempotencyKey: str(ctx, 'idempotency-key'),
    };
    const created = await ctx.client().node.create.mutate(defined(input));
    const node = created.node;
    return {
      json: created,
      text: [
        `Registered node ${node.name} (${node.id}) at ${node.siteName}: ${node.gpuCount} × ${node.gpuTypeId}.`,
        'Enrolment token (shown only this once, good for one enrolment):',
        '',
        `  ${created.enrolmentToken}`,
        '',
        'Run on the node:',
        '',
        `  ${created.agentCommand}`,
      ].join('\n'),
    };
  },
};

export const nodesList: Command = {
  words: ['nodes', 'list'],
  summary: 'list your GPU nodes',
  flags: { site: { type: 'string', value: 'ID', help: 'only the nodes of this site' } },
  async run(ctx) {
    const siteId = str(ctx, 'site');
    const client = ctx.client();
    const nodes = await allPages((cursor) =>
      client.node.list.query(defined({ cursor, limit: 100, siteId })),
    );
    return {
      json: nodes,
      text: lines(nodes, 'No nodes.', () =>
        table(
          ['id', 'name', 'site', 'gpu', 'gpus', 'status', 'last heartbeat'],
          nodes.map((n) => [
            n.id,
            n.name,
            n.siteName,
            n.gpuTypeId,
            String(n.gpuCount),
            n.status.toLowerCase(),
            cell(n.lastHeartbeatAt),
          ]),
        ),
      ),
    };
  },
};

export const nodesDrain: Command = {
  words: ['nodes', 'drain'],
  summary: 'ask a node to drain: no new replicas, existing ones move elsewhere',
  args: [{ name: 'ID', help: 'the node id' }],
  async run(ctx) {
    const node = await ctx.client().node.requestDrain.mutate({ id: arg(ctx) });
    return {
      json: node,
      text: `Drain requested for ${node.name} (${node.id}); status ${node.status.toLowerCase()}.`,
    };
  },
};
