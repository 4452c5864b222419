// `npm test`: lint, format check, typecheck, unit and integration tests (vitest against a real
// PostgreSQL and Temporal) and browser tests (Playwright in Chromium against the real grid).
// Ends with one line: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../services/paths';

const RESULTS = path.join(REPO_ROOT, '.test-results');
mkdirSync(RESULTS, { recursive: true });
const bin = (name: string) => path.join(REPO_ROOT, 'node_modules/.bin', name);

let passed = 0;
let failed = 0;
const failures: string[] = [];

function run(label: string, command: string, args: string[], cwd = REPO_ROOT): boolean {
  process.stdout.write(`\n=== ${label}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  const ok = result.status === 0;
  process.stdout.write(
    `=== ${label}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  return ok;
}

/** A check that is one pass or one fail (lint, format, typecheck). */
function check(label: string, command: string, args: string[]) {
  if (run(label, command, args)) passed += 1;
  else {
    failed += 1;
    failures.push(label);
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A test suite: counts come from its JSON report; a crash with no report counts as a failure. */
function suite(
  label: string,
  report: string,
  command: string,
  args: string[],
  count: (r: never) => [number, number],
) {
  const ok = run(label, command, args);
  const parsed = readJson<never>(report);
  if (!parsed) {
    failed += 1;
    failures.push(`${label} (no report)`);
    return;
  }
  const [p, f] = count(parsed);
  passed += p;
  failed += f;
  if (f > 0 || !ok) failures.push(label);
  if (!ok && f === 0) failed += 1;
}

const only = process.argv.slice(2);
const want = (step: string) => only.length === 0 || only.includes(step);

if (want('lint')) check('lint (eslint)', bin('eslint'), ['.', '--max-warnings=0']);
if (want('lint')) check('format (prettier)', bin('prettier'), ['--check', '.', '--log-level=warn']);
if (want('typecheck')) check('typecheck', 'npm', ['run', 'typecheck', '--silent']);

if (want('unit')) {
  const report = path.join(RESULTS, 'vitest.json');
  suite(
    'unit and integration tests (vitest)',
    report,
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`],
    (r: { numPassedTests: number; numFailedTests: number }) => [r.numPassedTests, r.numFailedTests],
  );
}

if (want('e2e')) {
  const report = path.join(RESULTS, 'playwright.json');
  suite(
    'browser tests (playwright)',
    report,
    bin('playwright'),
    ['test', '-c', 'e2e/playwright.config.ts'],
    (r: { stats: { expected: number; unexpected: number; flaky: number } }) => [
      r.stats.expected + r.stats.flaky,
      r.stats.unexpected,
    ],
  );
}

if (failures.length) process.stdout.write(`\nFailed: ${failures.join(', ')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
