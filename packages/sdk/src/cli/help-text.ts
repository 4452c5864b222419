// The help texts: `aigrid --help`, `aigrid <group> --help` and `aigrid <command> --help`.
import { COMMANDS } from './commands';
import { EXIT_CODE_HELP } from './exit-codes';
import type { Command, FlagSpec } from './framework';
import { GLOBAL_FLAGS } from './global-flags';

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

export function commandUsage(cmd: Command): string {
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

export function groupHelp(group: string): string {
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
