// aigrid-engine-sim: the simulated engine as a process, started like `vllm serve`.
//   aigrid-engine-sim --model llama-3.1-8b-instruct --gpu L40S --gpus 1 --port 8001
//     [--time-scale 1] [--params-b 8.03 --context 131072] [--kv-bytes-per-token 131072]
//     [--served-model-name NAME] [--host 127.0.0.1] [--seed 0] [--max-model-len N]
//     [--max-num-seqs 256] [--max-num-batched-tokens N] [--no-prefix-caching]
// Prints one JSON line when listening; exits 0 on SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import { catalogueModel, ENGINE_MODELS } from './catalogue';
import { startEngine } from './server';

function fail(message: string): never {
  process.stderr.write(`aigrid-engine-sim: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'served-model-name': { type: 'string' },
    gpu: { type: 'string' },
    gpus: { type: 'string', default: '1' },
    port: { type: 'string', default: '8000' },
    host: { type: 'string', default: '127.0.0.1' },
    'time-scale': { type: 'string', default: '1' },
    'params-b': { type: 'string' },
    context: { type: 'string' },
    'kv-bytes-per-token': { type: 'string' },
    seed: { type: 'string', default: '0' },
    'max-model-len': { type: 'string' },
    'max-num-seqs': { type: 'string' },
    'max-num-batched-tokens': { type: 'string' },
    'no-prefix-caching': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: aigrid-engine-sim --model ID --gpu TYPE [--gpus N] [--port P] [--time-scale S]\n' +
      '         [--params-b B --context N] [--served-model-name NAME]\n' +
      `known models: ${ENGINE_MODELS.map((m) => m.id).join(', ')}\n`,
  );
  process.exit(0);
}

const num = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`--${name} must be a number, got ${v}`);
  return n;
};

if (!values.model) fail('--model is required');
if (!values.gpu) fail('--gpu is required');
const known = catalogueModel(values.model);
const parametersB = num('params-b', values['params-b']) ?? known?.parametersB;
const contextTokens = num('context', values.context) ?? known?.contextTokens;
if (parametersB === undefined || contextTokens === undefined) {
  fail(`unknown model ${values.model}: give --params-b and --context`);
}

try {
  const engine = await startEngine({
    modelName: values['served-model-name'] ?? values.model,
    model: {
      parametersB,
      contextTokens,
      kvBytesPerToken:
        num('kv-bytes-per-token', values['kv-bytes-per-token']) ?? known?.kvBytesPerToken,
    },
    gpuTypeId: values.gpu,
    gpuCount: num('gpus', values.gpus),
    port: num('port', values.port),
    host: values.host,
    timeScale: num('time-scale', values['time-scale']),
    seed: num('seed', values.seed),
    maxModelLen: num('max-model-len', values['max-model-len']),
    maxNumSeqs: num('max-num-seqs', values['max-num-seqs']),
    maxNumBatchedTokens: num('max-num-batched-tokens', values['max-num-batched-tokens']),
    prefixCaching: !values['no-prefix-caching'],
  });
  const stats = engine.stats();
  process.stdout.write(
    JSON.stringify({
      event: 'listening',
      url: engine.url,
      port: engine.port,
      pid: process.pid,
      model: engine.modelName,
      gpu: values.gpu,
      gpus: engine.perf.gpuCount,
      maxModelLen: stats.maxModelLen,
      kvCapacityTokens: stats.kvCapacityTokens,
    }) + '\n',
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    engine.close().then(
      () => {
        process.stdout.write(JSON.stringify({ event: 'stopped', signal }) + '\n');
        process.exit(0);
      },
      (err: unknown) => fail(String(err)),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
