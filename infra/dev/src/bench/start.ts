// `npm run bench:start`: how long `npm start` takes until every process answers its health
// check, from a fresh clone (cold: installs, first build, new database) and again on the same
// clone (warm: everything reused). Writes bench-results/start.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../services/paths';

const READY = /AI Grid is running/;

function timeStart(cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('npm', ['start'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`npm start was not ready within 15 minutes:\n${output.slice(-3000)}`));
    }, 15 * 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (READY.test(output)) {
        const seconds = (performance.now() - started) / 1000;
        clearTimeout(timer);
        child.once('exit', () => resolve(seconds));
        process.kill(-child.pid!, 'SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!READY.test(output)) {
        clearTimeout(timer);
        reject(
          new Error(`npm start exited with ${code} before it was ready:\n${output.slice(-3000)}`),
        );
      }
    });
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'aigrid-bench-start-'));
const clone = path.join(dir, 'repo');
try {
  execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone]);
  const cold = await timeStart(clone);
  const warm = await timeStart(clone);
  const results = { cold_ready_s: Number(cold.toFixed(1)), warm_ready_s: Number(warm.toFixed(1)) };
  console.log('\n| metric | seconds |\n| --- | --- |');
  for (const [k, v] of Object.entries(results)) console.log(`| ${k} | ${v} |`);
  const out = path.join(REPO_ROOT, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'start.json'),
    `${JSON.stringify(
      {
        area: 'start',
        when: new Date().toISOString(),
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model ?? 'unknown',
          node: process.version,
        },
        command: 'npm run bench:start',
        results,
        baselines: {},
        notes:
          'cold: fresh clone of the committed tree (npm ci, Prisma client, Temporal CLI via pip, ' +
          'first next build, new database); warm: a second npm start on the same clone. ' +
          'Ready = the start command printed its banner, after /api/health?deep=1 answered 200.',
      },
      null,
      2,
    )}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
