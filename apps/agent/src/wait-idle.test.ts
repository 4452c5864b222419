// Waiting for an engine to go idle, against the simulated engine run by the supervisor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSupervisor } from './engine-supervisor';
import { waitEngineIdle } from './wait-idle';

let supervisor: EngineSupervisor;
let url: string;

beforeAll(async () => {
  supervisor = new EngineSupervisor({ timeScale: 1, portBase: 18_800, log: () => {} });
  ({ url } = await supervisor.start({
    replicaId: 'r-idle',
    modelId: 'llama-3.1-8b-instruct',
    gpuTypeId: 'L40S',
    gpuCount: 1,
  }));
  for (let i = 0; i < 100 && !(await supervisor.probe('r-idle')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
}, 30_000);
afterAll(() => supervisor.stopAll());

/** A completion of `tokens` tokens; resolves with the time it finished and what it generated. */
async function complete(tokens: number) {
  const res = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'llama-3.1-8b-instruct',
      prompt: 'Tell me a long story.',
      max_tokens: tokens,
      ignore_eos: true,
    }),
  });
  const body = (await res.json()) as { usage: { completion_tokens: number } };
  return { finishedAt: Date.now(), tokens: body.usage.completion_tokens };
}

describe('waitEngineIdle', () => {
  it('returns after the minimum when the engine runs nothing', async () => {
    const out = await waitEngineIdle(url, { minMs: 300, maxMs: 20_000 });
    expect(out).toMatchObject({ idle: true, requests: 0 });
    expect(out.waitedMs).toBeGreaterThanOrEqual(300);
    expect(out.waitedMs).toBeLessThan(20_000);
  });

  it('returns once the requests in flight have finished, not before and not at the maximum', async () => {
    const inFlight = complete(60);
    await new Promise((r) => setTimeout(r, 100));
    const polled: (number | null)[] = [];
    const out = await waitEngineIdle(url, {
      minMs: 0,
      maxMs: 30_000,
      onPoll: (n) => polled.push(n),
    });
    const returnedAt = Date.now();
    const done = await inFlight;
    expect(out.idle).toBe(true);
    expect(done.tokens).toBe(60);
    expect(done.finishedAt).toBeLessThanOrEqual(returnedAt);
    expect(polled[0]).toBe(1);
    expect(out.waitedMs).toBeLessThan(30_000);
  });

  it('gives up at the maximum while the engine is still busy', async () => {
    const inFlight = complete(100);
    await new Promise((r) => setTimeout(r, 100));
    const out = await waitEngineIdle(url, { minMs: 0, maxMs: 300 });
    expect(out).toMatchObject({ idle: false, requests: 1 });
    await inFlight;
  });

  it('does not wait for an engine that does not answer', async () => {
    const out = await waitEngineIdle('http://127.0.0.1:9', { minMs: 0, maxMs: 20_000 });
    expect(out).toMatchObject({ idle: true, requests: null });
    expect(out.waitedMs).toBeLessThan(20_000);
  });
});
