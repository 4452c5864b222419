// The `aigrid orgs` commands.
import { UsageError, type Command } from '../framework';
import { cell, table } from '../output';
import { lines, need, needList } from './command-helpers';

const ORG_KINDS = { operator: 'OPERATOR', developer: 'DEVELOPER' } as const;

export const orgsCreate: Command = {
  words: ['orgs', 'create'],
  summary: 'create an organisation (you become its owner)',
  flags: {
    name: { type: 'string', value: 'NAME', help: 'its name', required: true },
    kind: {
      type: 'string',
      multiple: true,
      value: 'operator|developer',
      help: 'what it does; repeat for both',
      required: true,
    },
  },
  examples: ['aigrid orgs create --name "Acme Edge" --kind operator'],
  async run(ctx) {
    const name = need(ctx, 'name');
    const kinds = needList(ctx, 'kind').map((k) => {
      const kind = ORG_KINDS[k.trim().toLowerCase() as keyof typeof ORG_KINDS];
      if (!kind) throw new UsageError(`--kind must be operator or developer, got "${k}"`);
      return kind;
    });
    const org = await ctx.client().org.create.mutate({ name, kinds: [...new Set(kinds)] });
    return {
      json: org,
      text: `Created ${org.name} (${org.id}), ${org.kinds.join(', ').toLowerCase()}. Work in it with --org ${org.id}.`,
    };
  },
};

export const orgsList: Command = {
  words: ['orgs', 'list'],
  summary: 'list your organisations (signed-in users)',
  async run(ctx) {
    const orgs = await ctx.client().org.list.query();
    const current = ctx.target.org ?? orgs[0]?.id;
    return {
      json: orgs,
      text: lines(orgs, 'No organisations.', () =>
        table(
          ['', 'id', 'name', 'slug', 'kinds', 'role'],
          orgs.map((o) => [
            o.id === current ? '*' : '',
            o.id,
            o.name,
            o.slug,
            o.kinds.join(',').toLowerCase(),
            cell(o.role).toLowerCase(),
          ]),
        ),
      ),
    };
  },
};
