// Sign-in commands: `aigrid login`, `logout` and `whoami`.
import { createAigridClient, getSessionUser, signInWithPassword } from '../../client';
import { AigridError, toAigridError } from '../../errors';
import { writeConfig, type CliConfig } from '../config';
import { itemsOf, rec, str, UsageError, type Command } from '../framework';
import { cell, fields } from '../output';

function describeKey(key: string): string {
  return `${key.slice(0, 12)}…`;
}

export const login: Command = {
  words: ['login'],
  summary: 'sign in with an API key or e-mail and password, and save it',
  flags: {
    email: { type: 'string', value: 'EMAIL', help: 'sign in as this user (with --password)' },
    password: {
      type: 'string',
      value: 'PASSWORD',
      help: 'the password (or set AIGRID_PASSWORD, which keeps it out of the process list)',
    },
  },
  examples: [
    'aigrid login --url http://localhost:3000 --api-key agk_…',
    'AIGRID_PASSWORD=… aigrid login --email ana@example.com',
  ],
  async run(ctx) {
    const { target } = ctx;
    const email = str(ctx, 'email');
    const explicitKey = str(ctx, 'api-key') ?? ctx.io.env.AIGRID_API_KEY;
    if (email && explicitKey) {
      throw new UsageError('give either --api-key or --email, not both');
    }
    if (!email && !explicitKey) {
      throw new UsageError('missing --api-key, or --email with --password');
    }
    const url = target.url;
    if (explicitKey) {
      if (str(ctx, 'org')) {
        throw new UsageError(
          '--org does not apply to an API key: a key belongs to one organisation',
        );
      }
      const client = createAigridClient({ url, apiKey: explicitKey, fetch: ctx.io.fetch });
      let org: Record<string, unknown> | null = null;
      let note: string | undefined;
      try {
        org = rec(await client.org.current.query());
      } catch (err) {
        const e = toAigridError(err);
        if (e.code !== 'FORBIDDEN') throw e;
        note = `warning: the key is valid but cannot read its organisation (${e.message}); saved anyway.`;
      }
      const config: CliConfig = { url, apiKey: explicitKey };
      writeConfig(ctx.configFile, config);
      return {
        json: { url, auth: 'apiKey', key: describeKey(explicitKey), organization: org },
        text: org
          ? `Signed in to ${url} with API key ${describeKey(explicitKey)} of ${cell(org.name)} (${cell(org.id)}).`
          : `Saved API key ${describeKey(explicitKey)} for ${url}.`,
        note,
      };
    }
    const password = str(ctx, 'password') ?? ctx.io.env.AIGRID_PASSWORD;
    if (!password) throw new UsageError('missing --password (or set AIGRID_PASSWORD)');
    const sessionToken = await signInWithPassword({
      url,
      email: email!,
      password,
      fetch: ctx.io.fetch,
    });
    const client = createAigridClient({ url, sessionToken, fetch: ctx.io.fetch });
    const orgs = itemsOf(await client.org.list.query());
    const wanted = str(ctx, 'org');
    let org: Record<string, unknown> | undefined;
    if (wanted) {
      org = orgs.find((o) => o.id === wanted || o.slug === wanted);
      if (!org) {
        throw new AigridError('NOT_FOUND', `You are not a member of an organisation "${wanted}".`);
      }
    }
    const config: CliConfig = {
      url,
      sessionToken,
      email: email!.trim().toLowerCase(),
      ...(org ? { org: String(org.id) } : {}),
    };
    writeConfig(ctx.configFile, config);
    const current = org ?? orgs[0];
    return {
      json: {
        url,
        auth: 'session',
        email: config.email,
        organizations: orgs,
        org: config.org ?? null,
      },
      text: [
        `Signed in to ${url} as ${config.email}.`,
        current
          ? `Working in ${cell(current.name)} (${cell(current.id)})${orgs.length > 1 ? '; pick another with --org ID' : ''}.`
          : 'You have no organisation yet: create one with `aigrid orgs create`.',
      ].join('\n'),
    };
  },
};

export const logout: Command = {
  words: ['logout'],
  summary: 'forget the saved credentials',
  async run(ctx) {
    const had = Boolean(ctx.config.apiKey || ctx.config.sessionToken);
    writeConfig(ctx.configFile, ctx.config.url ? { url: ctx.config.url } : {});
    return {
      json: { signedOut: had },
      text: had ? `Signed out of ${ctx.config.url ?? 'the server'}.` : 'Not signed in.',
    };
  },
};

export const whoami: Command = {
  words: ['whoami'],
  summary: 'show the server, the credentials in use and the current organisation',
  async run(ctx) {
    const client = ctx.client();
    const { target } = ctx;
    let user: { id?: string; email?: string | null; name?: string | null } | null = null;
    if (target.sessionToken) {
      user = await getSessionUser({
        url: target.url,
        sessionToken: target.sessionToken,
        fetch: ctx.io.fetch,
      });
      if (!user) {
        throw new AigridError(
          'UNAUTHORIZED',
          'The saved session has expired: run `aigrid login` again.',
        );
      }
    }
    let org: Record<string, unknown> | null = null;
    let orgError: string | undefined;
    try {
      org = rec(await client.org.current.query());
    } catch (err) {
      const e = toAigridError(err);
      if (e.code !== 'PRECONDITION_FAILED' && e.code !== 'FORBIDDEN') throw e;
      orgError = e.message;
    }
    const auth = target.apiKey ? 'apiKey' : 'session';
    const pairs: [string, string][] = [['server', target.url]];
    if (target.apiKey) pairs.push(['api key', describeKey(target.apiKey)]);
    if (user) pairs.push(['user', `${user.name ?? ''} <${user.email ?? '?'}>`.trim()]);
    if (org) {
      pairs.push(['organisation', `${cell(org.name)} (${cell(org.id)})`]);
      pairs.push(['kinds', cell(org.kinds).toLowerCase()]);
      if (org.role) pairs.push(['role', cell(org.role).toLowerCase()]);
    } else {
      pairs.push(['organisation', orgError ?? '-']);
    }
    return {
      json: {
        url: target.url,
        auth,
        key: target.apiKey ? describeKey(target.apiKey) : undefined,
        user,
        organization: org,
      },
      text: fields(pairs),
    };
  },
};
