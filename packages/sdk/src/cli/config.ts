// The CLI's saved sign-in: one file, readable by its owner only.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface CliConfig {
  url?: string;
  apiKey?: string;
  sessionToken?: string;
  /** Organisation id sent as `x-aigrid-org` (sessions only: a key belongs to one organisation). */
  org?: string;
  /** Who signed in, for `whoami`. */
  email?: string;
}

export function configPath(env: Record<string, string | undefined>): string {
  if (env.AIGRID_CONFIG) return path.resolve(env.AIGRID_CONFIG);
  return path.join(env.HOME || homedir(), '.config', 'aigrid', 'config.json');
}

export class ConfigError extends Error {}

export function readConfig(file: string): CliConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    const out: CliConfig = {};
    for (const key of ['url', 'apiKey', 'sessionToken', 'org', 'email'] as const) {
      const v = (parsed as Record<string, unknown>)[key];
      if (typeof v === 'string' && v) out[key] = v;
    }
    return out;
  } catch (err) {
    throw new ConfigError(
      `${file} is not a valid aigrid config (${(err as Error).message}); run \`aigrid login\` again or delete it.`,
    );
  }
}

/** Writes the config atomically with mode 0600 (its folder 0700 when created). */
export function writeConfig(file: string, config: CliConfig): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
