// Parses the command line into a command with its flag values and arguments, or a help text or
// usage error.
import { parseArgs } from 'node:util';
import { COMMANDS } from './commands';
import type { Command, CommandContext, FlagSpec } from './framework';
import { GLOBAL_FLAGS } from './global-flags';
import { commandHelp, commandUsage, groupHelp, topHelp } from './help-text';

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

export type Parsed =
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
