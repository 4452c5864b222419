// Builds the web app for production only when its inputs changed since the last build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './services/paths';

const WEB_DIR = path.join(REPO_ROOT, 'apps/web');
const STAMP = path.join(WEB_DIR, '.next/aigrid-build-inputs');
const INPUTS = [
  'apps/web/src',
  'apps/web/next.config.ts',
  'apps/web/package.json',
  'packages',
  'workflows/src',
  'package-lock.json',
];
const SKIP = new Set(['node_modules', '.next', '.turbo']);

function hashInputs(): string {
  const hash = createHash('sha256');
  const visit = (abs: string) => {
    const stat = statSync(abs, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (!SKIP.has(name)) visit(path.join(abs, name));
    } else {
      hash.update(path.relative(REPO_ROOT, abs)).update(readFileSync(abs));
    }
  };
  for (const input of INPUTS) visit(path.join(REPO_ROOT, input));
  return hash.digest('hex');
}

/** Runs `next build` unless the last build used exactly these sources. Returns true if it built. */
export function buildWebIfChanged(log: (line: string) => void): boolean {
  const inputs = hashInputs();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === inputs) return false;
  log('building the web app (first start, or its sources changed)…');
  execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/next'), ['build'], {
    cwd: WEB_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  writeFileSync(STAMP, inputs);
  return true;
}
