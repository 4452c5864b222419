import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineHandle } from './server';
import { chatPromptIds, completionPromptIds, encode } from './tokenizer';
import { histogram, metrics, MODEL, startTestEngine, value } from './test-helpers';

let engine: EngineHandle;
let client: OpenAI;

beforeAll(async () => {
  engine = await startTestEngine();
  client = new OpenAI({ baseURL: `${engine.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => engine.close());

const post = (path: string, body: unknown) =>
  fetch(`${engine.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('OpenAI-compatible API', () => {
  it('serves /health and /v1/models with the served model name', async () => {
    expect((await fetch(`${engine.url}/health`)).status).toBe(200);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);
  });

  it('answers a chat completion with the templated prompt token count', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Name three rivers.' },
    ];
    const r = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 24,
      temperature: 0.7,
      top_p: 0.9,
      seed: 3,
    });
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage!.prompt_tokens).toBe(chatPromptIds(messages, 'llama-3.1').length);
    expect(r.usage!.completion_tokens).toBe(24);
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + 24);
    const content = r.choices[0]!.message.content!;
    expect(encode(content, { bos: false })).toHaveLength(24);
  });

  it('streams chat tokens over SSE with the usage chunk last', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Stream please.' }],
      max_completion_tokens: 30,
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed = 0;
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) {
        streamed++;
        text += choice.delta.content;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    expect(finish).toBe('length');
    expect(streamed).toBe(30);
    expect(usage!.completion_tokens).toBe(streamed);
    expect(usage!.prompt_tokens).toBe(
      chatPromptIds([{ role: 'user', content: 'Stream please.' }], 'llama-3.1').length,
    );
    expect(encode(text, { bos: false })).toHaveLength(30);
  });

  it('answers text completions, streamed and not, and honours stop strings', async () => {
    const r = await client.completions.create({
      model: MODEL,
      prompt: 'Once upon a time',
      max_tokens: 12,
    });
    expect(r.usage!.prompt_tokens).toBe(completionPromptIds('Once upon a time').length);
    expect(r.usage!.completion_tokens).toBe(12);
    const stream = await client.completions.create({
      model: MODEL,
      prompt: 'Once upon a time',
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.text ?? '';
      if (c.usage) usage = c.usage;
    }
    // Same prompt, same engine seed: the same text.
    expect(text).toBe(r.choices[0]!.text);
    expect(usage!.completion_tokens).toBe(12);
    // A stop string cuts the output before it, as vLLM does.
    const words = r.choices[0]!.text.split(' ');
    const stop = ` ${words[3]}`;
    const stopped = await client.completions.create({
      model: MODEL,
      prompt: 'Once upon a time',
      max_tokens: 12,
      stop: [stop, 'zzz-never'],
    });
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    expect(r.choices[0]!.text.startsWith(stopped.choices[0]!.text)).toBe(true);
    expect(stopped.choices[0]!.text).not.toContain(stop);
  });

  it('is deterministic for a seed across engines', async () => {
    const other = await startTestEngine({ seed: 7 });
    const third = await startTestEngine({ seed: 8 });
    try {
      const ask = async (url: string, seed?: number) => {
        const c = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
        const r = await c.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'Tell me something.' }],
          max_tokens: 20,
          seed,
        });
        return r.choices[0]!.message.content;
      };
      expect(await ask(other.url, 5)).toBe(await ask(engine.url, 5));
      expect(await ask(other.url)).toBe(await ask(engine.url));
      expect(await ask(third.url, 5)).not.toBe(await ask(engine.url, 5));
    } finally {
      await other.close();
      await third.close();
    }
  });
  it('aborts a request whose client goes away and frees its KV blocks', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      {
        model: MODEL,
        messages: [{ role: 'user', content: 'A very long answer, please.' }],
        max_tokens: 5000,
        stream: true,
      },
      { signal: controller.signal },
    );
    const before = value(await metrics(engine.url), 'vllm:request_success_total', {
      finished_reason: 'abort',
    });
    let chunks = 0;
    try {
      for await (const _chunk of stream) if (++chunks === 3) controller.abort();
    } catch {
      // aborted
    }
    for (let i = 0; i < 50 && engine.stats().running > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const m = await metrics(engine.url);
    expect(value(m, 'vllm:request_success_total', { finished_reason: 'abort' })).toBe(before + 1);
    expect(value(m, 'vllm:num_requests_running')).toBe(0);
    expect(value(m, 'vllm:kv_cache_usage_perc')).toBe(0);
  });
});

describe('/metrics', () => {
  it('parses as Prometheus text with vLLM names and labels', async () => {
    await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'count me' }],
      max_tokens: 8,
    });
    const m = await metrics(engine.url);
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:gpu_cache_usage_perc',
      'vllm:kv_cache_usage_perc',
      'vllm:prefix_cache_queries_total',
      'vllm:prefix_cache_hits_total',
      'vllm:time_to_first_token_seconds',
      'vllm:e2e_request_latency_seconds',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:request_success_total',
    ]) {
      expect(m.has(name), name).toBe(true);
      if (m.get(name)!.type !== 'HISTOGRAM') {
        expect(m.get(name)!.metrics[0]!.labels).toMatchObject({ model_name: MODEL });
      }
    }
    expect(m.text).toMatch(
      /^vllm:e2e_request_latency_seconds_count\{engine="0",model_name="llama-3\.1-8b-instruct"\} \d+\.0$/m,
    );
    expect(histogram(m, 'vllm:e2e_request_latency_seconds').count).toBeGreaterThan(0);
    expect(m.get('vllm:time_to_first_token_seconds')!.type).toBe('HISTOGRAM');
    expect(Object.keys(histogram(m, 'vllm:time_to_first_token_seconds').buckets)).toContain(
      '2560.0',
    );
    expect(value(m, 'vllm:generation_tokens_total')).toBeGreaterThanOrEqual(8);
    expect(value(m, 'vllm:request_success_total', { finished_reason: 'length' })).toBeGreaterThan(
      0,
    );
    expect(value(m, 'vllm:num_requests_running')).toBe(0);
  });

  it('shows a repeated prefix as prefix-cache hits and a shorter time to first token', async () => {
    const fresh = await startTestEngine({ seed: 1 });
    try {
      const c = new OpenAI({ baseURL: `${fresh.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const doc = (tag: string) =>
        `${tag} ` + 'The grid routes each request to the nearest point of presence. '.repeat(300);
      const ttftOf = async (system: string, question: string) => {
        const before = histogram(await metrics(fresh.url), 'vllm:time_to_first_token_seconds');
        await c.chat.completions.create({
          model: MODEL,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: question },
          ],
          max_tokens: 2,
        });
        const after = histogram(await metrics(fresh.url), 'vllm:time_to_first_token_seconds');
        return after.sum - before.sum;
      };
      const first = await ttftOf(doc('alpha'), 'First question?');
      const hitsBefore = value(await metrics(fresh.url), 'vllm:prefix_cache_hits_total');
      const repeated = await ttftOf(doc('alpha'), 'Second question?');
      const hitsAfter = value(await metrics(fresh.url), 'vllm:prefix_cache_hits_total');
      const other = await ttftOf(doc('beta'), 'Second question?');
      expect(hitsAfter - hitsBefore).toBeGreaterThan(3000);
      expect(repeated).toBeLessThan(first / 3);
      expect(repeated).toBeLessThan(other / 3);
    } finally {
      await fresh.close();
    }
  });

  it('gives higher throughput to 16 concurrent requests than to the same requests one by one', async () => {
    const fresh = await startTestEngine({ seed: 2 });
    try {
      const c = new OpenAI({ baseURL: `${fresh.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const one = (i: number) =>
        c.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `Request number ${i}: write a short story.` }],
          max_tokens: 48,
          // vLLM's extra parameter: generate exactly max_tokens.
          ...({ ignore_eos: true } as object),
        });
      const busy = () => fresh.stats().gpuBusyMs;
      let t = busy();
      for (let i = 0; i < 16; i++) await one(i);
      const sequentialTokensPerS = (16 * 48) / ((busy() - t) / 1000);
      t = busy();
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => one(100 + i)));
      const batchedTokensPerS = (16 * 48) / ((busy() - t) / 1000);
      expect(results.every((r) => r.usage!.completion_tokens === 48)).toBe(true);
      expect(batchedTokensPerS).toBeGreaterThan(5 * sequentialTokensPerS);
    } finally {
      await fresh.close();
    }
  });
});

describe('errors in vLLM shape', () => {
  const shape = (code: number, type: string) => ({
    object: 'error',
    type,
    param: null,
    code,
    message: expect.any(String),
  });

  it('rejects a prompt longer than the context window', async () => {
    const small = await startTestEngine({ maxModelLen: 1024 });
    try {
      const res = await fetch(`${small.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'word '.repeat(2000) }],
          max_tokens: 10,
        }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { message: string };
      expect(body).toEqual(shape(400, 'BadRequestError'));
      expect(body.message).toMatch(
        /^This model's maximum context length is 1024 tokens\. However, you requested \d+ tokens \(\d+ in the messages, 10 in the completion\)/,
      );
      const sdk = new OpenAI({ baseURL: `${small.url}/v1`, apiKey: 'x', maxRetries: 0 });
      await expect(
        sdk.completions.create({ model: MODEL, prompt: 'word '.repeat(2000) }),
      ).rejects.toMatchObject({ status: 400 });
    } finally {
      await small.close();
    }
  });

  it('returns 404 for an unknown model', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'gpt-5',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      ...shape(404, 'NotFoundError'),
      message: 'The model `gpt-5` does not exist.',
    });
    await expect(
      client.chat.completions.create({
        model: 'nope',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('returns 400 for bad parameters', async () => {
    const cases: [unknown, RegExp][] = [
      [{ messages: [{ role: 'user', content: 'hi' }], n: 2 }, /^n must be 1/],
      [
        { messages: [{ role: 'user', content: 'hi' }], max_tokens: -1 },
        /^max_tokens must be at least 1, got -1\.$/,
      ],
      [
        { messages: [{ role: 'user', content: 'hi' }], temperature: -1 },
        /temperature must be non-negative/,
      ],
      [{ model: MODEL }, /'missing', 'loc': \('body', 'messages'\), 'msg': 'Field required'/],
      ['{"messages": [', /json_invalid/],
    ];
    for (const [body, message] of cases) {
      const res = await post('/v1/chat/completions', body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { message: string };
      expect(json).toEqual(shape(400, 'BadRequestError'));
      expect(json.message).toMatch(message);
    }
    expect((await fetch(`${engine.url}/v1/nothing`)).status).toBe(404);
  });
});
