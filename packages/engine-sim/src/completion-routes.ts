// The completion routes, /v1/chat/completions and /v1/completions: each request runs through the
// engine and is answered with one JSON body or streamed as server-sent events.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineContext } from './engine-types';
import { readBody, sendJson } from './http-io';
import { jsonDecodeError } from './openai';
import {
  validateChatRequest,
  validateCompletionRequest,
  type PreparedRequest,
} from './request-validation';
import type { FinishInfo } from './scheduler';

const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  total_tokens: prompt + completion,
  completion_tokens: completion,
  prompt_tokens_details: null,
});

/** Runs one request through the engine, streaming (SSE) or not. */
function run(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  kind: 'chat' | 'completion',
  p: PreparedRequest,
): void {
  const { core, driver, modelName, live, openResponses } = ctx;
  const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(16).toString('hex')}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  let text = '';
  let completionTokens = 0;
  let done = false;
  const write = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
  const chunk = (choice: Record<string, unknown>, extra?: Record<string, unknown>) => ({
    id,
    object,
    created: createdAt,
    model: modelName,
    choices: [choice],
    ...extra,
  });

  const head = `data: {"id":"${id}","object":"${object}","created":${createdAt},"model":${JSON.stringify(modelName)},"choices":[{"index":0,`;
  const tokenPrefix = head + (kind === 'chat' ? '"delta":{"content":' : '"text":');
  const tokenSuffix =
    kind === 'chat'
      ? '},"logprobs":null,"finish_reason":null}]}\n\n'
      : ',"logprobs":null,"finish_reason":null,"stop_reason":null}]}\n\n';
  if (p.stream) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    if (kind === 'chat') {
      write(
        chunk({
          index: 0,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        }),
      );
    }
  }

  const seq = core.add(
    {
      promptIds: p.promptIds,
      maxTokens: p.maxTokens,
      minTokens: p.minTokens,
      ignoreEos: p.ignoreEos,
      stop: p.stop,
      seed: p.seed,
      arrivalMs: driver.now(),
    },
    {
      onText(delta) {
        completionTokens++;
        if (!p.stream) {
          text += delta;
          return;
        }
        if (p.continuousUsage) {
          const extra = { usage: usage(p.promptIds.length, completionTokens) };
          write(
            kind === 'chat'
              ? chunk(
                  { index: 0, delta: { content: delta }, logprobs: null, finish_reason: null },
                  extra,
                )
              : chunk(
                  {
                    index: 0,
                    text: delta,
                    logprobs: null,
                    finish_reason: null,
                    stop_reason: null,
                  },
                  extra,
                ),
          );
          return;
        }
        // The hot path: one chunk per token, its constant parts serialized once.
        res.write(tokenPrefix + JSON.stringify(delta) + tokenSuffix);
      },
      onFinish(info: FinishInfo) {
        done = true;
        live.delete(seq);
        openResponses.delete(res);
        const u = usage(info.promptTokens, info.completionTokens);
        if (p.stream) {
          write(
            kind === 'chat'
              ? chunk({
                  index: 0,
                  delta: {},
                  logprobs: null,
                  finish_reason: info.reason,
                  stop_reason: info.stopReason,
                })
              : chunk({
                  index: 0,
                  text: '',
                  logprobs: null,
                  finish_reason: info.reason,
                  stop_reason: info.stopReason,
                }),
          );
          if (p.includeUsage) {
            write({ id, object, created: createdAt, model: modelName, choices: [], usage: u });
          }
          res.end('data: [DONE]\n\n');
          return;
        }
        sendJson(
          res,
          200,
          kind === 'chat'
            ? {
                id,
                object: 'chat.completion',
                created: createdAt,
                model: modelName,
                choices: [
                  {
                    index: 0,
                    message: { role: 'assistant', content: text, tool_calls: [] },
                    logprobs: null,
                    finish_reason: info.reason,
                    stop_reason: info.stopReason,
                  },
                ],
                usage: u,
                prompt_logprobs: null,
              }
            : {
                id,
                object: 'text_completion',
                created: createdAt,
                model: modelName,
                choices: [
                  {
                    index: 0,
                    text,
                    logprobs: null,
                    finish_reason: info.reason,
                    stop_reason: info.stopReason,
                    prompt_logprobs: null,
                  },
                ],
                usage: u,
              },
        );
      },
    },
  );
  live.add(seq);
  openResponses.add(res);
  res.on('close', () => {
    if (done) return;
    live.delete(seq);
    openResponses.delete(res);
    core.abort(seq);
  });
  void req;
  driver.kick();
}

/** Reads, parses and validates a completion request, then runs it. */
export async function handlePost(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const raw = await readBody(req);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw jsonDecodeError(err);
  }
  if (path === '/v1/chat/completions') {
    run(ctx, req, res, 'chat', validateChatRequest(json, ctx));
    return;
  }
  run(ctx, req, res, 'completion', validateCompletionRequest(json, ctx));
}
