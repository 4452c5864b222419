// Validation of chat and text completion requests: the body, the model, the prompt and the
// sampling parameters, turned into what the engine runs.
import {
  ApiError,
  badRequest,
  chatRequestSchema,
  checkContext,
  checkSampling,
  completionRequestSchema,
  messageText,
  validationError,
} from './openai';
import { chatPromptIds, completionPromptIds, type ChatTemplate } from './tokenizer';

export interface PreparedRequest {
  promptIds: number[];
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stop: string[];
  seed?: number;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
}

/** The sampling and streaming parameters of a chat or text completion request. */
export interface SamplingBody {
  max_tokens?: number | null;
  min_tokens?: number | null;
  n?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  ignore_eos?: boolean | null;
  stream?: boolean | null;
  stream_options?: {
    include_usage?: boolean | null;
    continuous_usage_stats?: boolean | null;
  } | null;
}

/** What a request is checked against: the served model name, its context and chat template. */
export interface RequestLimits {
  modelName: string;
  maxModelLen: number;
  template: ChatTemplate;
}

function checkModel(model: string | null | undefined, modelName: string): void {
  if (model != null && model !== modelName) {
    throw new ApiError(404, 'NotFoundError', `The model \`${model}\` does not exist.`);
  }
}

function prepare(body: SamplingBody, promptIds: number[], maxModelLen: number): PreparedRequest {
  checkSampling(body);
  const maxTokens = checkContext(promptIds.length, body.max_tokens, maxModelLen);
  const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  return {
    promptIds,
    maxTokens,
    minTokens: body.min_tokens ?? 0,
    ignoreEos: body.ignore_eos ?? false,
    stop: stop.filter((s) => s.length > 0),
    seed: body.seed ?? undefined,
    stream: body.stream ?? false,
    includeUsage: body.stream_options?.include_usage ?? false,
    continuousUsage: body.stream_options?.continuous_usage_stats ?? false,
  };
}

/** Validates a `/v1/chat/completions` body. */
export function validateChatRequest(json: unknown, limits: RequestLimits): PreparedRequest {
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error);
  const body = parsed.data;
  checkModel(body.model, limits.modelName);
  if (body.messages.length === 0) throw badRequest('messages must not be empty.');
  const promptIds = chatPromptIds(
    body.messages.map((m) => ({ role: m.role, content: messageText(m.content) })),
    limits.template,
  );
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return prepare({ ...body, max_tokens: maxTokens }, promptIds, limits.maxModelLen);
}

/** Validates a `/v1/completions` body. */
export function validateCompletionRequest(json: unknown, limits: RequestLimits): PreparedRequest {
  const parsed = completionRequestSchema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error);
  const body = parsed.data;
  checkModel(body.model, limits.modelName);
  const prompt = body.prompt;
  let promptIds: number[];
  if (typeof prompt === 'string') promptIds = completionPromptIds(prompt);
  else if (prompt.length === 1 && typeof prompt[0] === 'string') {
    promptIds = completionPromptIds(prompt[0]);
  } else if (prompt.every((x): x is number => typeof x === 'number')) {
    promptIds = prompt;
  } else if (prompt.length === 1 && Array.isArray(prompt[0])) {
    promptIds = prompt[0];
  } else {
    throw badRequest('This engine accepts one prompt per request.');
  }
  if (promptIds.length === 0) throw badRequest('The prompt must not be empty.');
  return prepare(body, promptIds, limits.maxModelLen);
}
