// `npm run bench:engine`: the simulated inference engine (packages/engine-sim).
// 1. Throughput and TTFT versus concurrency (1 to 256 closed-loop clients, 1024 prompt tokens,
//    256 output tokens, as `vllm bench serve --dataset-name random --ignore-eos` runs) for two
//    GPU types (H100, L40S) and two models (Llama 3.1 8B on one GPU, 70B on four), in simulated
//    time with the engine's own scheduler.
// 2. The published figures the performance model was calibrated on, replayed the same way.
// 3. The simulator's own CPU cost: simulated GPU-seconds per CPU-second of the scheduler
//    (`sim_gpus_per_core`), and the same through real HTTP streaming with the engine as a
//    separate process running in real time (timeScale 1).
// Writes bench-results/engine.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { calibrate, catalogueModel, simulate } from '@aigrid/engine-sim';
import { CALIBRATION_POINTS, replicaPerf } from '@aigrid/perf-model';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const results: Record<string, number> = {};

// 1. Sweep.
const CONCURRENCY = [1, 4, 16, 64, 256];
const SETUPS = [
  { key: 'h100_llama8b', gpu: 'H100', gpus: 1, model: 'llama-3.1-8b-instruct' },
  { key: 'l40s_llama8b', gpu: 'L40S', gpus: 1, model: 'llama-3.1-8b-instruct' },
  { key: 'h100x4_llama70b', gpu: 'H100', gpus: 4, model: 'llama-3.1-70b-instruct' },
  { key: 'l40sx4_llama70b', gpu: 'L40S', gpus: 4, model: 'llama-3.1-70b-instruct' },
];
const table: string[] = [];
table.push('setup            conc   out tok/s   TTFT p50 ms   TTFT p99 ms   TPOT ms   preempt');
for (const s of SETUPS) {
  const m = catalogueModel(s.model)!;
  const perf = replicaPerf(s.gpu, s.gpus, m);
  for (const c of CONCURRENCY) {
    const r = simulate(
      { perf, maxModelLen: Math.min(m.contextTokens, perf.kvCapacityTokens) },
      {
        inputTokens: 1024,
        outputTokens: 256,
        arrival: 'closed',
        concurrency: c,
        requests: Math.max(16, 3 * c),
      },
    );
    results[`${s.key}_c${c}_output_tok_s`] = round(r.outputTokensPerS);
    results[`${s.key}_c${c}_ttft_p50_ms`] = round(r.ttftP50Ms);
    results[`${s.key}_c${c}_ttft_p99_ms`] = round(r.ttftP99Ms);
    results[`${s.key}_c${c}_tpot_ms`] = round(r.tpotMeanMs, 2);
    table.push(
      `${s.key.padEnd(16)} ${String(c).padStart(4)} ${r.outputTokensPerS.toFixed(0).padStart(11)} ` +
        `${r.ttftP50Ms.toFixed(1).padStart(13)} ${r.ttftP99Ms.toFixed(1).padStart(13)} ` +
        `${r.tpotMeanMs.toFixed(2).padStart(9)} ${String(r.preemptions).padStart(9)}`,
    );
  }
}
console.log(table.join('\n'));

// 2. Calibration.
const rows = calibrate();
console.log('\ncalibration point                          published   simulated   error');
for (const row of rows) {
  results[`calibration_${row.id.replace(/-/g, '_')}_error_pct`] = round(row.errorPct);
  console.log(
    `${row.id.padEnd(40)} ${row.published.toFixed(2).padStart(11)} ${row.simulated.toFixed(2).padStart(11)} ${row.errorPct.toFixed(1).padStart(6)} %`,
  );
}
results.calibration_error_pct_max = round(Math.max(...rows.map((r) => Math.abs(r.errorPct))));
results.calibration_points = CALIBRATION_POINTS.length;

// 3a. Scheduler CPU per simulated second, in process (no HTTP): busy single-GPU replicas.
const cost: { key: string; gpu: string; concurrency: number }[] = [
  { key: 'h100_llama8b_c64', gpu: 'H100', concurrency: 64 },
  { key: 'l40s_llama8b_c64', gpu: 'L40S', concurrency: 64 },
  { key: 'h100_llama8b_c256', gpu: 'H100', concurrency: 256 },
];
const llama8b = catalogueModel('llama-3.1-8b-instruct')!;
let schedulerMin = Infinity;
console.log('\nscheduler cost (in process)     sim s    CPU ms   sim GPUs per core');
for (const c of cost) {
  const perf = replicaPerf(c.gpu, 1, llama8b);
  simulate(
    { perf },
    { inputTokens: 1024, outputTokens: 256, arrival: 'closed', concurrency: 8, requests: 16 },
  );
  const r = simulate(
    { perf },
    {
      inputTokens: 1024,
      outputTokens: 256,
      arrival: 'closed',
      concurrency: c.concurrency,
      requests: 8 * c.concurrency,
    },
  );
  const perCore = r.durationMs / r.cpuMs;
  schedulerMin = Math.min(schedulerMin, perCore);
  results[`sim_gpus_per_core_scheduler_${c.key}`] = round(perCore);
  console.log(
    `${c.key.padEnd(30)} ${(r.durationMs / 1000).toFixed(1).padStart(7)} ${r.cpuMs.toFixed(0).padStart(9)} ${perCore.toFixed(0).padStart(18)}`,
  );
}
results.sim_gpus_per_core = round(schedulerMin);

// 3b. Through HTTP: the CLI engine as its own process in real time, 32 streaming clients.
const CLK_TCK = 100;
const cpuOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1000; // utime + stime, ms
};
const HTTP_SECONDS = 8;
const HTTP_CLIENTS = 32;
const child = spawn(
  process.execPath,
  [
    path.join(REPO_ROOT, 'packages/engine-sim/bin/engine-sim.mjs'),
    '--model',
    'llama-3.1-8b-instruct',
    '--gpu',
    'H100',
    '--port',
    '0',
    '--time-scale',
    '1',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const listening = JSON.parse((await lines.next()).value as string) as { url: string };
  const url = listening.url;
  const prompt = 'Summarise the operating manual of a point of presence. '.repeat(60);
  let tokens = 0;
  let requests = 0;
  const ttfts: number[] = [];
  const deadline = performance.now() + HTTP_SECONDS * 1000;
  const cpu0 = cpuOf(child.pid!);
  const t0 = performance.now();
  const client = async (i: number) => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'llama-3.1-8b-instruct',
          messages: [{ role: 'user', content: `${i}-${requests}: ${prompt}` }],
          max_tokens: 128,
          ignore_eos: true,
          stream: true,
        }),
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let first = true;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        const n = (text.match(/"content":"[^"]/g) ?? []).length;
        if (n > 0 && first) {
          ttfts.push(performance.now() - started);
          first = false;
        }
        tokens += n;
      }
      requests++;
    }
  };
  await Promise.all(Array.from({ length: HTTP_CLIENTS }, (_, i) => client(i)));
  const wallMs = performance.now() - t0;
  const engineCpuMs = cpuOf(child.pid!) - cpu0;
  results.http_c32_output_tok_s = round((tokens / wallMs) * 1000);
  results.http_c32_requests = requests;
  ttfts.sort((a, b) => a - b);
  results.http_c32_ttft_p50_ms = round(ttfts[Math.floor(ttfts.length / 2)] ?? NaN);
  results.http_c32_engine_cpu_pct = round((engineCpuMs / wallMs) * 100);
  results.sim_gpus_per_core_http = round(wallMs / engineCpuMs, 2);
  const virtual = simulate(
    { perf: replicaPerf('H100', 1, llama8b) },
    {
      inputTokens: 700,
      outputTokens: 128,
      arrival: 'closed',
      concurrency: HTTP_CLIENTS,
      requests: 4 * HTTP_CLIENTS,
    },
  );
  results.virtual_c32_output_tok_s = round(virtual.outputTokensPerS);
  console.log(
    `\nHTTP, engine process in real time: ${HTTP_CLIENTS} streaming clients for ${(wallMs / 1000).toFixed(1)} s: ` +
      `${results.http_c32_output_tok_s} tok/s (simulator alone: ${results.virtual_c32_output_tok_s}), ` +
      `engine CPU ${results.http_c32_engine_cpu_pct} % of a core → ${results.sim_gpus_per_core_http} simulated GPUs per core`,
  );
} finally {
  child.kill('SIGTERM');
}

const report = {
  area: 'engine',
  when: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
  command: 'npm run bench:engine',
  results,
  baselines: {},
  notes:
    'Sweep and calibration run the engine-sim scheduler in simulated time (no waiting): closed-loop clients, 1024 prompt tokens, 256 output tokens (ignore_eos), requests = max(16, 3 × concurrency); 8B on one GPU, 70B on four (tensor parallel), vLLM defaults (max_num_seqs 256, max_num_batched_tokens 8192 on 80 GB GPUs and 2048 on smaller, prefix caching on; prompts are random so nothing is shared). TTFT includes queueing. sim_gpus_per_core = simulated seconds per CPU second of the scheduler for a busy single-GPU replica (minimum of H100 c64, L40S c64, H100 c256, 8 × concurrency requests each). sim_gpus_per_core_http: the engine CLI as its own process at timeScale 1 with 32 streaming chat clients (700-token prompts, 128 tokens) in this process for 8 s; its CPU time from /proc includes tokenizing prompts, JSON and SSE, so it is the figure for an engine behind real HTTP. Calibration errors: simulated / published − 1 for each point of CALIBRATION_POINTS (packages/perf-model/src/calibration.ts).',
};
mkdirSync(path.join(REPO_ROOT, 'bench-results'), { recursive: true });
writeFileSync(
  path.join(REPO_ROOT, 'bench-results/engine.json'),
  JSON.stringify(report, null, 2) + '\n',
);
console.log(`\nsim_gpus_per_core ${results.sim_gpus_per_core}; wrote bench-results/engine.json`);
