// The CLI's command model: each command declares its words, flags and positional arguments, and
// returns a result that is printed as JSON (`--json`) or as text for people.
import type { AigridClient } from '../client';
import type { CliConfig } from './config';

export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Placeholder in help, such as `ID` or `USD`. */
  value?: string;
  help: string;
  required?: boolean;
}

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  fetch?: typeof globalThis.fetch;
}

export interface CommandResult {
  /** What `--json` prints. */
  json: unknown;
  /** What people see. */
  text: string;
  /** Printed to stderr (not with --json), such as a warning. */
  note?: string;
}

export interface Target {
  url: string;
  apiKey?: string;
  sessionToken?: string;
  org?: string;
  /** Where the credentials came from, for messages. */
  source: 'flag' | 'env' | 'config' | 'none';
}

export interface CommandContext {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  args: string[];
  io: CliIo;
  json: boolean;
  configFile: string;
  config: CliConfig;
  /** Server and credentials from flags, environment and the saved config. */
  target: Target;
  /** A client with the target's credentials; throws "not signed in" when there are none. */
  client(): AigridClient;
  /** A client without credentials, for public procedures. */
  anonymousClient(): AigridClient;
}

export interface Command {
  words: string[];
  summary: string;
  args?: { name: string; help: string }[];
  flags?: Record<string, FlagSpec>;
  examples?: string[];
  run(ctx: CommandContext): Promise<CommandResult>;
}

/** Bad or missing flags and arguments: exit code 2. */
export class UsageError extends Error {}

/** No credentials for the server: exit code 3. */
export class NotSignedInError extends Error {}

// --- flag helpers -------------------------------------------------------------------------

export function str(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(ctx: CommandContext, name: string): string[] {
  const v = ctx.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.values[name] === true;
}

export function intFlag(
  ctx: CommandContext,
  name: string,
  opts: { min?: number; max?: number } = {},
): number | undefined {
  const raw = str(ctx, name);
  if (raw === undefined) return undefined;
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  }
  checkRange(name, n, opts);
  return n;
}

export function numberFlag(
  ctx: CommandContext,
  name: string,
  opts: { min?: number; max?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  const raw = str(ctx, name);
  if (raw === undefined) return undefined;
  const n = /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  if (opts.exclusiveMin && opts.min !== undefined && n <= opts.min) {
    throw new UsageError(`--${name} must be more than ${opts.min}, got ${raw}`);
  }
  checkRange(name, n, opts);
  return n;
}

function checkRange(name: string, n: number, opts: { min?: number; max?: number }) {
  if (opts.min !== undefined && n < opts.min) {
    throw new UsageError(`--${name} must be at least ${opts.min}, got ${n}`);
  }
  if (opts.max !== undefined && n > opts.max) {
    throw new UsageError(`--${name} must be at most ${opts.max}, got ${n}`);
  }
}

/** Items of a list answer, whether the procedure returns an array or a page `{ items }`. */
export function itemsOf(result: unknown): Record<string, unknown>[] {
  const items = Array.isArray(result)
    ? result
    : result && typeof result === 'object' && Array.isArray((result as { items?: unknown }).items)
      ? (result as { items: unknown[] }).items
      : [];
  return items.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object');
}

export function rec(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

/** Every page of a paginated list (`{ items, nextCursor }`), up to `maxPages`. */
export async function allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  maxPages = 100,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(cursor);
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

/** `o` without its undefined properties, so that requests carry only what was given. */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
