// `npm run bench:api`: latency of the tRPC API through real HTTP with the SDK, on a fresh grid
// (production build, embedded PostgreSQL). Sequential calls, one in flight: a read
// (`org.current` with a read-scoped API key) and a write (`org.update` with a new name each
// time, from signed-in users). Writes are limited to 120 a minute per user, so they go round
// several users and are paced to stay at or under 100 per user per minute.
// Writes bench-results/api.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAigridClient, signInWithPassword, signUp, type AigridClient } from '@aigrid/sdk';
import type { Grid } from '../grid';
import { REPO_ROOT } from '../services';
import { startThrowawayGrid } from '../throwaway-grid';

const N = 300;
const WARM_UP = 30;
const WRITERS = 4;
const WRITES_PER_MINUTE_PER_USER = 100;
const PASSWORD = 'bench-pass-13579';

function percentile(sorted: number[], p: number): number {
  // Nearest rank: the smallest sample with at least p % of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const round = (ms: number) => Number(ms.toFixed(2));

async function timed(n: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

/** Keeps each user at or under the per-minute budget (fixed windows on the minute). */
class Pacer {
  private counts = new Map<number, { window: number; count: number }>();
  async wait(user: number): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const c = this.counts.get(user);
    if (c && c.window === window && c.count >= WRITES_PER_MINUTE_PER_USER) {
      await sleep((window + 1) * 60_000 - Date.now() + 50);
      return this.wait(user);
    }
    if (!c || c.window !== window) this.counts.set(user, { window, count: 1 });
    else c.count++;
  }
}

async function signedUpUser(url: string, i: number): Promise<AigridClient> {
  const email = `bench-${i}-${randomBytes(4).toString('hex')}@example.com`;
  await signUp({
    url,
    name: `Bench User ${i}`,
    email,
    password: PASSWORD,
    organizationName: `Bench Org ${i}`,
    kind: 'DEVELOPER',
  });
  const sessionToken = await signInWithPassword({ url, email, password: PASSWORD });
  return createAigridClient({ url, sessionToken });
}

let grid: Grid | undefined;
try {
  grid = await startThrowawayGrid({ name: 'bench-api', verbose: true });
  const url = grid.webUrl;

  const writers: AigridClient[] = [];
  for (let i = 0; i < WRITERS; i++) writers.push(await signedUpUser(url, i));
  const { secret } = await writers[0]!.apiKey.create.mutate({ name: 'bench', scopes: ['read'] });
  const reader = createAigridClient({ url, apiKey: secret });

  const pacer = new Pacer();
  let written = 0;
  const write = async () => {
    const user = written++ % WRITERS;
    await pacer.wait(user);
    await writers[user]!.org.update.mutate({ name: `Bench Org ${user} #${written}` });
  };

  console.log(`warming up: ${WARM_UP} reads and ${WARM_UP} writes…`);
  await timed(WARM_UP, () => reader.org.current.query());
  await timed(WARM_UP, write);
  console.log(`measuring: ${N} reads…`);
  const reads = await timed(N, () => reader.org.current.query());
  console.log(`measuring: ${N} writes…`);
  // The pacer waits before the timer starts: only the call itself is timed.
  const writes: number[] = [];
  for (let i = 0; i < N; i++) {
    const user = written++ % WRITERS;
    await pacer.wait(user);
    const started = performance.now();
    await writers[user]!.org.update.mutate({ name: `Bench Org ${user} #${written}` });
    writes.push(performance.now() - started);
  }
  writes.sort((a, b) => a - b);

  const results = {
    read_p50_ms: round(percentile(reads, 50)),
    read_p99_ms: round(percentile(reads, 99)),
    write_p50_ms: round(percentile(writes, 50)),
    write_p99_ms: round(percentile(writes, 99)),
  };
  console.log('\n| metric | ms |\n| --- | --- |');
  for (const [k, v] of Object.entries(results)) console.log(`| ${k} | ${v} |`);

  const out = path.join(REPO_ROOT, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'api.json'),
    `${JSON.stringify(
      {
        area: 'api',
        when: new Date().toISOString(),
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model ?? 'unknown',
          node: process.version,
        },
        command: 'npm run bench:api',
        results,
        baselines: {},
        notes:
          `Fresh grid (next start production build, embedded PostgreSQL, demo data). Client: ` +
          `@aigrid/sdk over real HTTP on localhost (tRPC httpLink, no batching, superjson), ` +
          `sequential, one call in flight. ${N} measured calls each after ${WARM_UP} warm-up ` +
          `calls. Read: org.current with a read-scoped API key (key lookup + one row). Write: ` +
          `org.update with a new name (session cookie; transaction with an audit row and the ` +
          `write rate-limit counter), round-robin over ${WRITERS} signed-in users and paced to ` +
          `at most ${WRITES_PER_MINUTE_PER_USER} writes per user per minute (limit: 120); ` +
          `pacing waits are not timed. Percentiles are nearest-rank.`,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await grid?.stop();
}
