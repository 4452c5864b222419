// Parses the command line, runs one command, prints its result and returns the exit code.
import { createAigridClient, normaliseBaseUrl } from '../client';
import { configPath, readConfig, type CliConfig } from './config';
import { report } from './error-report';
import { EXIT } from './exit-codes';
import {
  NotSignedInError,
  UsageError,
  type CliIo,
  type CommandContext,
  type Target,
} from './framework';
import { DEFAULT_URL } from './global-flags';
import { toJson } from './output';
import { parseCommandLine } from './parse-command-line';

export { DEFAULT_URL } from './global-flags';
export { commandHelp, topHelp } from './help-text';
export { parseCommandLine } from './parse-command-line';

/** A request that takes longer than this is given up (exit code 8). */
const REQUEST_TIMEOUT_MS = 60_000;

function resolveTarget(
  values: CommandContext['values'],
  env: Record<string, string | undefined>,
  config: CliConfig,
): Target {
  const urlFlag = typeof values.url === 'string' ? values.url : undefined;
  const rawUrl = urlFlag ?? env.AIGRID_URL ?? config.url ?? DEFAULT_URL;
  let url: string;
  try {
    url = normaliseBaseUrl(rawUrl);
  } catch (err) {
    throw new UsageError(
      `${urlFlag ? '--url' : env.AIGRID_URL ? 'AIGRID_URL' : 'the saved url'}: ${(err as Error).message}`,
    );
  }
  const keyFlag = typeof values['api-key'] === 'string' ? values['api-key'] : undefined;
  const orgFlag = typeof values.org === 'string' ? values.org : undefined;
  // Saved credentials are only ever sent to the server they were saved for.
  let sameServer = false;
  try {
    sameServer = !!config.url && normaliseBaseUrl(config.url) === url;
  } catch {
    sameServer = false;
  }
  if (keyFlag || env.AIGRID_API_KEY) {
    return {
      url,
      apiKey: keyFlag ?? env.AIGRID_API_KEY,
      org: orgFlag ?? env.AIGRID_ORG,
      source: keyFlag ? 'flag' : 'env',
    };
  }
  if (sameServer && config.apiKey) {
    return { url, apiKey: config.apiKey, org: orgFlag ?? env.AIGRID_ORG, source: 'config' };
  }
  if (sameServer && config.sessionToken) {
    return {
      url,
      sessionToken: config.sessionToken,
      org: orgFlag ?? env.AIGRID_ORG ?? config.org,
      source: 'config',
    };
  }
  return { url, org: orgFlag ?? env.AIGRID_ORG, source: 'none' };
}

function timedFetch(base: typeof globalThis.fetch | undefined): typeof globalThis.fetch {
  const f = base ?? globalThis.fetch;
  return (input, init) =>
    f(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

/** Runs the CLI with `argv` (without `node aigrid`); returns the exit code. */
export async function run(argv: string[], givenIo: CliIo): Promise<number> {
  // An empty variable (`AIGRID_URL=`) counts as unset.
  const env = Object.fromEntries(
    Object.entries(givenIo.env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const io: CliIo = { ...givenIo, env };
  const json = argv.includes('--json');
  let url: string | undefined;
  const fail = (err: unknown, help?: string): number => {
    const r = report(err, url);
    if (json) {
      const { exitCode: _exit, ...error } = r;
      io.stderr(`${toJson({ error }, 0)}\n`);
    } else {
      const extra = (r.issues ?? [])
        .filter((i) => !r.message.includes(i.message))
        .map((i) => `\n  ${i.path || 'input'}: ${i.message}`)
        .join('');
      io.stderr(`aigrid: ${r.message}${extra}\n${help ? `\n${help}\n` : ''}`);
    }
    return r.exitCode;
  };

  const parsed = parseCommandLine(argv);
  if (parsed.kind === 'help') {
    io.stdout(`${parsed.text}\n`);
    return EXIT.OK;
  }
  if (parsed.kind === 'usage') return fail(new UsageError(parsed.message), parsed.help);

  try {
    const file = configPath(io.env);
    const config = readConfig(file);
    const target = resolveTarget(parsed.values, io.env, config);
    url = target.url;
    const fetch = timedFetch(io.fetch);
    const ctx: CommandContext = {
      values: parsed.values,
      args: parsed.args,
      io: { ...io, fetch },
      json,
      configFile: file,
      config,
      target,
      client() {
        if (!target.apiKey && !target.sessionToken) {
          throw new NotSignedInError(
            `Not signed in to ${target.url}: run \`aigrid login\`, or pass --api-key (or AIGRID_API_KEY).`,
          );
        }
        return createAigridClient({ ...target, fetch });
      },
      anonymousClient() {
        return createAigridClient({ url: target.url, fetch });
      },
    };
    const result = await parsed.cmd.run(ctx);
    if (json) {
      io.stdout(`${toJson(result.json)}\n`);
    } else {
      if (result.note) io.stderr(`${result.note}\n`);
      io.stdout(`${result.text}\n`);
    }
    return EXIT.OK;
  } catch (err) {
    return fail(err);
  }
}
