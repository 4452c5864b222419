// The OpenAI-compatible request bodies as vLLM accepts them, and its error responses.
import { z } from 'zod';

/** vLLM's ErrorResponse (vllm/entrypoints/openai/protocol.py). */
export interface ErrorBody {
  object: 'error';
  message: string;
  type: string;
  param: string | null;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
  body(): ErrorBody {
    return {
      object: 'error',
      message: this.message,
      type: this.type,
      param: this.param,
      code: this.status,
    };
  }
}

export const badRequest = (message: string) => new ApiError(400, 'BadRequestError', message);

const nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();

const sampling = {
  model: nullable(z.string()),
  max_tokens: nullable(z.number().int()),
  n: nullable(z.number().int()),
  temperature: nullable(z.number()),
  top_p: nullable(z.number()),
  top_k: nullable(z.number().int()),
  seed: nullable(z.number().int()),
  stop: nullable(z.union([z.string(), z.array(z.string())])),
  stream: nullable(z.boolean()),
  stream_options: nullable(
    z.looseObject({
      include_usage: nullable(z.boolean()),
      continuous_usage_stats: nullable(z.boolean()),
    }),
  ),
  presence_penalty: nullable(z.number()),
  frequency_penalty: nullable(z.number()),
  user: nullable(z.string()),
  // vLLM's extra sampling parameters.
  ignore_eos: nullable(z.boolean()),
  min_tokens: nullable(z.number().int()),
};

const contentPart = z.looseObject({ type: z.string(), text: nullable(z.string()) });

export const chatRequestSchema = z.looseObject({
  messages: z.array(
    z.looseObject({
      role: z.string(),
      content: nullable(z.union([z.string(), z.array(contentPart)])),
    }),
  ),
  max_completion_tokens: nullable(z.number().int()),
  ...sampling,
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const completionRequestSchema = z.looseObject({
  prompt: z.union([
    z.string(),
    z.array(z.string()),
    z.array(z.number().int()),
    z.array(z.array(z.number().int())),
  ]),
  ...sampling,
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

/** A zod failure in the shape FastAPI/pydantic give it (vLLM returns str(RequestValidationError)). */
export function validationError(error: z.ZodError): ApiError {
  const items = error.issues.map((issue) => {
    const loc = ['body', ...issue.path.map(String)].map((p) => `'${p}'`).join(', ');
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const type = missing ? 'missing' : issue.code;
    const msg = missing ? 'Field required' : issue.message;
    return `{'type': '${type}', 'loc': (${loc}), 'msg': '${msg.replace(/'/g, '"')}'}`;
  });
  return badRequest(`[${items.join(', ')}]`);
}

export function jsonDecodeError(err: unknown): ApiError {
  const detail = err instanceof Error ? err.message : String(err);
  return badRequest(
    `[{'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'ctx': {'error': '${detail.replace(/'/g, '"')}'}}]`,
  );
}

export interface SamplingChecks {
  n?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  min_tokens?: number | null;
}

/** vLLM's SamplingParams checks, plus this engine's limit of one choice per request. */
export function checkSampling(p: SamplingChecks): void {
  if (p.n != null && p.n < 1) throw badRequest(`n must be at least 1, got ${p.n}.`);
  if (p.n != null && p.n > 1) {
    throw badRequest(`n must be 1: this engine returns one choice per request, got ${p.n}.`);
  }
  if (p.temperature != null && p.temperature < 0) {
    throw badRequest(`temperature must be non-negative, got ${p.temperature}.`);
  }
  if (p.top_p != null && !(p.top_p > 0 && p.top_p <= 1)) {
    throw badRequest(`top_p must be in (0, 1], got ${p.top_p}.`);
  }
  if (p.max_tokens != null && p.max_tokens < 1) {
    throw badRequest(`max_tokens must be at least 1, got ${p.max_tokens}.`);
  }
  if (p.min_tokens != null && p.min_tokens < 0) {
    throw badRequest(`min_tokens must be greater than or equal to 0, got ${p.min_tokens}.`);
  }
  if (p.min_tokens != null && p.max_tokens != null && p.min_tokens > p.max_tokens) {
    throw badRequest(
      `min_tokens must be less than or equal to max_tokens=${p.max_tokens}, got ${p.min_tokens}.`,
    );
  }
}

/** vLLM's context-length check (serving_engine._validate_input). Returns the max_tokens to use. */
export function checkContext(
  promptTokens: number,
  maxTokens: number | null | undefined,
  maxModelLen: number,
): number {
  if (maxTokens == null) {
    if (promptTokens >= maxModelLen) {
      throw badRequest(
        `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
          `${promptTokens} tokens in the messages, Please reduce the length of the messages.`,
      );
    }
    return maxModelLen - promptTokens;
  }
  if (promptTokens + maxTokens > maxModelLen) {
    throw badRequest(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
        `${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in ` +
        `the completion). Please reduce the length of the messages or completion.`,
    );
  }
  return maxTokens;
}

export function messageText(content: ChatRequest['messages'][number]['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((p) => p.type === 'text')
    .map((p) => p.text ?? '')
    .join('\n');
}
