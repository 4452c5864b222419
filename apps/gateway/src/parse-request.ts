// Reads and validates a completion request body: size limit while reading, JSON, then the
// parameters the gateway relies on (zod). Unknown parameters pass through to the engine
// untouched, as OpenAI-compatible servers accept extensions (e.g. vLLM's `ignore_eos`).
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { errors, GatewayError } from './openai-errors';

const MAX_OUTPUT_TOKENS = 1_000_000;

const maxTokens = z.number().int().positive().max(MAX_OUTPUT_TOKENS).nullish();

const sampling = {
  model: z.string().min(1, 'must name one of your endpoints'),
  max_tokens: maxTokens,
  n: z.literal(1, 'only n = 1 is supported').nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().nullish(),
};

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

export const ZChatRequest = z.looseObject({
  ...sampling,
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
        content: z.union([z.string(), z.array(contentPart)]).nullish(),
      }),
    )
    .min(1, 'must contain at least one message'),
  max_completion_tokens: maxTokens,
});
export type TChatRequest = z.infer<typeof ZChatRequest>;

export const ZCompletionRequest = z.looseObject({
  ...sampling,
  prompt: z.union([
    z.string(),
    z.array(z.string()).min(1).max(1, 'only one prompt per request is supported'),
    z.array(z.number().int().nonnegative()).min(1),
  ]),
});
export type TCompletionRequest = z.infer<typeof ZCompletionRequest>;

export type CompletionKind = 'chat' | 'completion';

export interface ParsedRequest {
  kind: CompletionKind;
  body: TChatRequest | TCompletionRequest;
  stream: boolean;
  /** Whether the client asked for the final usage chunk when streaming. */
  clientWantsUsage: boolean;
  /** The text whose leading blocks the engine caches (for prefix affinity). */
  promptText: string;
}

/** Reads the body, enforcing `maxBytes` from content-length and while reading. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(errors.tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        reject(errors.tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
    req.on('close', () => {
      if (!req.complete && !failed) reject(new Error('the client closed the request body'));
    });
  });
}

function paramOf(path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function chatPromptText(body: TChatRequest): string {
  let text = '';
  for (const m of body.messages) {
    text += m.role + '\n';
    if (typeof m.content === 'string') text += m.content;
    else if (m.content) for (const part of m.content) if (part.text) text += part.text;
    text += '\n';
  }
  return text;
}

function completionPromptText(prompt: TCompletionRequest['prompt']): string {
  if (typeof prompt === 'string') return prompt;
  // Token-id prompts cannot be hashed like the text the engine tokenizes: no affinity for them.
  return prompt.every((p): p is string => typeof p === 'string') ? prompt.join('') : '';
}

/** Parses and validates a chat or completion request body. */
export function parseCompletionRequest(kind: CompletionKind, raw: Buffer): ParsedRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError(
      400,
      'invalid_json',
      'We could not parse the JSON body of your request. Send a JSON object.',
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError(400, 'invalid_json', 'The request body must be a JSON object.');
  }
  const result = (kind === 'chat' ? ZChatRequest : ZCompletionRequest).safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const param = paramOf(issue.path);
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    throw new GatewayError(
      400,
      missing ? 'missing_required_parameter' : 'invalid_value',
      missing ? `Missing required parameter: '${param}'.` : `Invalid '${param}': ${issue.message}.`,
      param,
    );
  }
  const body = result.data;
  const stream = body.stream === true;
  const promptText =
    kind === 'chat'
      ? chatPromptText(body as TChatRequest)
      : completionPromptText((body as TCompletionRequest).prompt);
  return {
    kind,
    body,
    stream,
    clientWantsUsage: stream && body.stream_options?.include_usage === true,
    promptText,
  };
}

/** The body sent to the engine: its model id, and usage always requested when streaming. */
export function upstreamBody(parsed: ParsedRequest, modelId: string): string {
  const body: Record<string, unknown> = { ...parsed.body, model: modelId };
  if (parsed.stream) {
    body.stream_options = { ...(parsed.body.stream_options ?? {}), include_usage: true };
  } else {
    delete body.stream_options;
  }
  return JSON.stringify(body);
}
