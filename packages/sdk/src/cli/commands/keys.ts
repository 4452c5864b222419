// The `aigrid keys` commands (API keys).
import { allPages, defined, flag, str, UsageError, type Command } from '../framework';
import { cell, table } from '../output';
import { arg, idempotencyFlag, lines, need, needList } from './command-helpers';

const SCOPES = ['inference', 'provisioning', 'read'] as const;

export const keysCreate: Command = {
  words: ['keys', 'create'],
  summary: 'create an API key; its secret is printed once',
  flags: {
    name: { type: 'string', value: 'NAME', help: 'what it is for', required: true },
    scope: {
      type: 'string',
      multiple: true,
      value: SCOPES.join('|'),
      help: 'what it may do; repeat for several',
      required: true,
    },
    expires: { type: 'string', value: 'DATE', help: 'expiry date or time, such as 2027-01-01' },
    ...idempotencyFlag(),
  },
  examples: ['aigrid keys create --name ci --scope provisioning --scope read --expires 2027-01-01'],
  async run(ctx) {
    const name = need(ctx, 'name');
    const scopes = needList(ctx, 'scope').map((s) => {
      const scope = s.trim().toLowerCase();
      if (!(SCOPES as readonly string[]).includes(scope)) {
        throw new UsageError(`--scope must be one of ${SCOPES.join(', ')}, got "${s}"`);
      }
      return scope as (typeof SCOPES)[number];
    });
    const expiresRaw = str(ctx, 'expires');
    let expiresAt: Date | undefined;
    if (expiresRaw !== undefined) {
      expiresAt = new Date(expiresRaw);
      if (!/^\d{4}-\d{2}-\d{2}/.test(expiresRaw) || Number.isNaN(expiresAt.getTime())) {
        throw new UsageError(`--expires must be a date such as 2027-01-01, got "${expiresRaw}"`);
      }
    }
    const created = await ctx.client().apiKey.create.mutate(
      defined({
        name,
        scopes: [...new Set(scopes)],
        expiresAt,
        idempotencyKey: str(ctx, 'idempotency-key'),
      }),
    );
    const k = created.apiKey;
    return {
      json: created,
      text: [
        `Created API key ${k.name} (${k.id}), scopes ${k.scopes.join(', ')}${k.expiresAt ? `, expires ${cell(k.expiresAt)}` : ''}.`,
        'Its secret, shown only this once:',
        '',
        `  ${created.secret}`,
      ].join('\n'),
    };
  },
};

export const keysList: Command = {
  words: ['keys', 'list'],
  summary: 'list API keys',
  flags: { 'include-revoked': { type: 'boolean', help: 'also list revoked keys' } },
  async run(ctx) {
    const client = ctx.client();
    const includeRevoked = flag(ctx, 'include-revoked');
    const keys = await allPages((cursor) =>
      client.apiKey.list.query(defined({ cursor, limit: 100, includeRevoked })),
    );
    return {
      json: keys,
      text: lines(keys, 'No API keys.', () =>
        table(
          [
            'id',
            'name',
            'prefix',
            'scopes',
            'expires',
            'last used',
            'created',
            ...(includeRevoked ? ['revoked'] : []),
          ],
          keys.map((k) => [
            k.id,
            k.name,
            `${k.prefix}…`,
            k.scopes.join(','),
            cell(k.expiresAt),
            cell(k.lastUsedAt),
            cell(k.createdAt),
            ...(includeRevoked ? [cell(k.revokedAt)] : []),
          ]),
        ),
      ),
    };
  },
};

export const keysRevoke: Command = {
  words: ['keys', 'revoke'],
  summary: 'revoke an API key: requests with it are refused from now on',
  args: [{ name: 'ID', help: 'the key id (see `aigrid keys list`)' }],
  async run(ctx) {
    const k = await ctx.client().apiKey.revoke.mutate({ id: arg(ctx) });
    return { json: k, text: `Revoked ${k.name} (${k.id}).` };
  },
};
