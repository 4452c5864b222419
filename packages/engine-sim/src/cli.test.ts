import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/engine-sim.mjs');

describe('aigrid-engine-sim CLI', () => {
  it('prints one JSON line when listening, serves, and exits cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        '--model',
        'llama-3.1-8b-instruct',
        '--gpu',
        'L40S',
        '--gpus',
        '1',
        '--port',
        '0',
        '--time-scale',
        '0.05',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout });
    const iterator = lines[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done, stderr).toBe(false);
    const listening = JSON.parse(first.value as string);
    expect(listening).toMatchObject({
      event: 'listening',
      model: 'llama-3.1-8b-instruct',
      gpu: 'L40S',
      gpus: 1,
    });
    const url = listening.url as string;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const res = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama-3.1-8b-instruct', prompt: 'Hi', max_tokens: 5 }),
    });
    const body = (await res.json()) as { usage: { completion_tokens: number } };
    expect(body.usage.completion_tokens).toBe(5);
    // A stream still open at shutdown must not keep the process alive.
    const open = fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llama-3.1-8b-instruct',
        prompt: 'Hi',
        max_tokens: 100000,
        stream: true,
      }),
    }).then(
      (r) => r.body?.getReader().read(),
      () => undefined,
    );
    await open;
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    const last = await iterator.next();
    expect(JSON.parse(last.value as string)).toEqual({ event: 'stopped', signal: 'SIGTERM' });
  });
});
