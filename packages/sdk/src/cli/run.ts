// Parses the command line, runs one command, prints its result and returns the exit code.
import { parseArgs } from 'node:util';
import { createAigridClient, normaliseBaseUrl } from '../client';
import { toAigridError, type AigridError } from '../errors';
import { COMMANDS } from './commands';
import { ConfigError, configPath, readConfig, type CliConfig } from './config';
import { EXIT, EXIT_CODE_HELP, exitCodeFor } from './exit-codes';
import {
  NotSignedInError,
  UsageError,
  type CliIo,
  type Command,
  type CommandContext,
  type FlagSpec,
  type Target,
} from './framework';
import { toJson } from './output';

export const DEFAULT_URL = 'http://localhost:3000';
/** A request that takes longer than this is given up (exit code 8). */
const REQUEST_TIMEOUT_MS = 60_000;

const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  url: {
    type: 'string',
    value: 'URL',
    help: `server (default: AIGRID_URL, the saved one, or ${DEFAULT_URL})`,
  },
  'api-key': {
    type: 'string',
    value: 'KEY',
    help: 'API key (default: AIGRID_API_KEY, or the saved sign-in)',
  },
  org: {
    type: 'string',
    value: 'ID',
    help: 'organisation to work in, among your own (signed-in users)',
  },
  json: {
    type: 'boolean',
    help: 'print JSON for scripts; errors as {"error":{"code","message"}} on stderr',
  },
  help: { type: 'boolean', short: 'h', help: 'show help' },
};

const GROUP_SUMMARIES: Record<string, string> = {
  orgs: 'organisations',
  keys: 'API keys',
  sites: 'sites (points of presence)',
  nodes: 'GPU nodes',
  offers: 'capacity offers',
  endpoints: 'inference endpoints',
  models: 'the model catalogue',
  metros: 'the metros',
  gpus: 'the GPU types',
};

function flagUsage(name: string, spec: FlagSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '';
  return `${short}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
}

function flagLines(flags: Record<string, FlagSpec>): string[] {
  const entries = Object.entries(flags).map(([name, spec]) => {
    const notes = [spec.required ? 'required' : '', spec.multiple ? 'repeatable' : '']
      .filter(Boolean)
      .join(', ');
    return [flagUsage(name, spec), `${spec.help}${notes ? ` (${notes})` : ''}`] as const;
  });
  const width = Math.max(...entries.map(([u]) => u.length));
  return entries.map(([u, h]) => `  ${u.padEnd(width)}  ${h}`);
}

function commandUsage(cmd: Command): string {
  const required = Object.entries(cmd.flags ?? {})
    .filter(([, s]) => s.required)
    .map(([n, s]) => flagUsage(n, s));
  return [
    'aigrid',
    ...cmd.words,
    ...(cmd.args ?? []).map((a) => a.name),
    ...required,
    '[flags]',
  ].join(' ');
}

export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length));
  return [
    'aigrid: the AI Grid command line',
    '',
    'Usage: aigrid <command> [arguments] [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Flags for every command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'Sign in once with `aigrid login`; it saves the server and credentials to $AIGRID_CONFIG',
    'or ~/.config/aigrid/config.json (mode 0600). Money is in dollars on the command line and',
    'in micro-dollars (1 USD = 1000000) in --json output.',
    '',
    EXIT_CODE_HELP,
    '',
    'Run `aigrid <command> --help` for a command’s flags.',
  ].join('\n');
}

function groupHelp(group: string): string {
  const cmds = COMMANDS.filter((c) => c.words[0] === group);
  const width = Math.max(...cmds.map((c) => c.words.join(' ').length));
  return [
    `aigrid ${group}: ${GROUP_SUMMARIES[group] ?? group}`,
    '',
    ...cmds.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    `Run \`aigrid ${group} <command> --help\` for a command’s flags.`,
  ].join('\n');
}

export function commandHelp(cmd: Command): string {
  return [
    `aigrid ${cmd.words.join(' ')}: ${cmd.summary}`,
    '',
    `Usage: ${commandUsage(cmd)}`,
    ...(cmd.args?.length
      ? ['', 'Arguments:', ...cmd.args.map((a) => `  ${a.name}  ${a.help}`)]
      : []),
    ...(cmd.flags && Object.keys(cmd.flags).length ? ['', 'Flags:', ...flagLines(cmd.flags)] : []),
    '',
    'Flags for every command:',
    ...flagLines(GLOBAL_FLAGS),
    ...(cmd.examples?.length ? ['', 'Examples:', ...cmd.examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}

/** Every flag of every command, to tell flag values from command words before parsing. */
function allFlagSpecs(): Map<string, FlagSpec> {
  const out = new Map<string, FlagSpec>(Object.entries(GLOBAL_FLAGS));
  for (const c of COMMANDS) for (const [n, s] of Object.entries(c.flags ?? {})) out.set(n, s);
  return out;
}

/** The words that are not flags or flag values, in order. */
function positionalWords(argv: string[]): string[] {
  const specs = allFlagSpecs();
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (token.startsWith('--')) {
      const name = token.slice(2);
      if (!name.includes('=') && specs.get(name)?.type === 'string') i++;
      continue;
    }
    if (token.startsWith('-') && token.length > 1) continue;
    words.push(token);
  }
  return words;
}

type Parsed =
  | { kind: 'help'; text: string }
  | { kind: 'usage'; message: string; help?: string }
  | { kind: 'command'; cmd: Command; values: CommandContext['values']; args: string[] };

export function parseCommandLine(argv: string[]): Parsed {
  const words = positionalWords(argv);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  let [first, second] = words;
  if (first === 'help') {
    [first, second] = words.slice(1);
    if (!first) return { kind: 'help', text: topHelp() };
    return helpFor(first, second);
  }
  if (!first) {
    return wantsHelp
      ? { kind: 'help', text: topHelp() }
      : { kind: 'usage', message: 'missing command', help: topHelp() };
  }
  const single = COMMANDS.find((c) => c.words.length === 1 && c.words[0] === first);
  const isGroup = COMMANDS.some((c) => c.words.length === 2 && c.words[0] === first);
  if (!single && !isGroup) {
    return { kind: 'usage', message: `unknown command "${first}"; run \`aigrid --help\`` };
  }
  let cmd = single;
  if (!cmd) {
    if (!second) {
      return wantsHelp
        ? { kind: 'help', text: groupHelp(first) }
        : { kind: 'usage', message: `missing a command after "${first}"`, help: groupHelp(first) };
    }
    cmd = COMMANDS.find((c) => c.words[0] === first && c.words[1] === second);
    if (!cmd) {
      return {
        kind: 'usage',
        message: `unknown command "${first} ${second}"; run \`aigrid ${first} --help\``,
      };
    }
  }
  if (wantsHelp) return { kind: 'help', text: commandHelp(cmd) };

  const options = Object.fromEntries(
    Object.entries({ ...GLOBAL_FLAGS, ...cmd.flags }).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        ...(spec.multiple ? { multiple: true } : {}),
        ...(spec.short ? { short: spec.short } : {}),
      },
    ]),
  );
  let values: CommandContext['values'];
  let positionals: string[];
  let tokens: { kind: string; name?: string }[];
  try {
    ({ values, positionals, tokens } = parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    }));
  } catch (err) {
    return { kind: 'usage', message: parseArgsMessage(err as Error, cmd), help: undefined };
  }
  const args = positionals.slice(cmd.words.length);
  const expected = cmd.args ?? [];
  if (args.length < expected.length) {
    return {
      kind: 'usage',
      message: `missing ${expected[args.length]!.name}: aigrid ${cmd.words.join(' ')} ${expected.map((a) => a.name).join(' ')}`,
    };
  }
  if (args.length > expected.length) {
    return {
      kind: 'usage',
      message: `unexpected argument "${args[expected.length]}" for aigrid ${cmd.words.join(' ')}`,
    };
  }
  const missing = Object.entries(cmd.flags ?? {})
    .filter(([name, spec]) => spec.required && values[name] === undefined)
    .map(([name]) => `--${name}`);
  if (missing.length) {
    return { kind: 'usage', message: `missing ${missing.join(', ')}: ${commandUsage(cmd)}` };
  }
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !token.name) continue;
    const spec = cmd.flags?.[token.name] ?? GLOBAL_FLAGS[token.name];
    if (seen.has(token.name) && spec?.type === 'string' && !spec.multiple) {
      return { kind: 'usage', message: `--${token.name} was given more than once` };
    }
    seen.add(token.name);
  }
  return { kind: 'command', cmd, values, args };
}

function helpFor(first: string, second: string | undefined): Parsed {
  const single = COMMANDS.find((c) => c.words.length === 1 && c.words[0] === first);
  if (single) return { kind: 'help', text: commandHelp(single) };
  const cmd = COMMANDS.find((c) => c.words[0] === first && c.words[1] === second);
  if (cmd) return { kind: 'help', text: commandHelp(cmd) };
  if (COMMANDS.some((c) => c.words[0] === first)) return { kind: 'help', text: groupHelp(first) };
  return { kind: 'usage', message: `unknown command "${first}"; run \`aigrid --help\`` };
}

function parseArgsMessage(err: Error & { code?: string }, cmd: Command): string {
  const name = `aigrid ${cmd.words.join(' ')}`;
  const flagName = /'(-[^' ]+)/.exec(err.message)?.[1]?.replace(/=.*$/, '');
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flagName ?? ''} for ${name}; run \`${name} --help\``.replace(
        '  ',
        ' ',
      );
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/ambiguous/.test(err.message)) {
        return `${flagName ?? 'a flag'} needs a value; give one that starts with "-" as ${flagName ?? '--flag'}=-3.7`;
      }
      return /does not take/.test(err.message)
        ? `${flagName ?? 'a flag'} does not take a value`
        : `${flagName ?? 'a flag'} needs a value`;
    default:
      return err.message;
  }
}

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

interface ErrorReport {
  code: string;
  message: string;
  exitCode: number;
  issues?: { path: string; message: string }[];
  retryAfterSeconds?: number;
}

function report(err: unknown, url: string | undefined): ErrorReport {
  if (err instanceof UsageError)
    return { code: 'USAGE', message: err.message, exitCode: EXIT.USAGE };
  if (err instanceof NotSignedInError) {
    return { code: 'NOT_SIGNED_IN', message: err.message, exitCode: EXIT.AUTH };
  }
  if (err instanceof ConfigError)
    return { code: 'CONFIG', message: err.message, exitCode: EXIT.ERROR };
  const e: AigridError = toAigridError(err);
  let message = e.message;
  if (e.code === 'NETWORK_ERROR' && url)
    message = `${message.replace(/\.$/, '')} at ${url}. Is it running, and is --url right?`;
  if (
    e.code === 'TOO_MANY_REQUESTS' &&
    e.details.retryAfterSeconds &&
    !/retry after/i.test(message)
  ) {
    message = `${message} Retry after ${e.details.retryAfterSeconds} s.`;
  }
  return {
    code: e.code,
    message,
    exitCode: exitCodeFor(e.code),
    ...(e.details.issues?.length ? { issues: e.details.issues } : {}),
    ...(e.details.retryAfterSeconds !== undefined
      ? { retryAfterSeconds: e.details.retryAfterSeconds }
      : {}),
  };
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
