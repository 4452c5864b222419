// Errors in the shape OpenAI's API and SDKs expect: `{ error: { message, type, param, code } }`
// with the matching HTTP status.
import type { ServerResponse } from 'node:http';

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get type(): OpenAIErrorType {
    return errorType(this.status);
  }

  body(): OpenAIErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

export function errorType(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Writes an OpenAI-style error response (no-op when headers were already sent). */
export function sendError(
  res: ServerResponse,
  err: GatewayError,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const body = JSON.stringify(err.body());
  res.writeHead(err.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
    ...err.headers,
  });
  res.end(body);
}

/**
 * An engine's error body (vLLM: `{object:'error', message, type, param, code}`; OpenAI's own shape;
 * or anything else) as an OpenAI error with the engine's status.
 */
export function normaliseEngineError(status: number, text: string): OpenAIErrorBody {
  let message = `The model server answered ${status}`;
  let param: string | null = null;
  let code: string | null = null;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const inner =
      typeof json.error === 'object' && json.error !== null
        ? (json.error as Record<string, unknown>)
        : json;
    if (typeof inner.message === 'string') message = inner.message;
    else if (typeof inner.detail === 'string') message = inner.detail;
    if (typeof inner.param === 'string') param = inner.param;
    if (typeof inner.code === 'string') code = inner.code;
  } catch {
    if (text.trim()) message = text.trim().slice(0, 500);
  }
  return { error: { message, type: errorType(status), param, code } };
}

export const errors = {
  invalidKey: (message = 'Incorrect API key provided.') =>
    new GatewayError(401, 'invalid_api_key', message),
  missingScope: () =>
    new GatewayError(
      403,
      'insufficient_scope',
      'This API key lacks the inference scope. Create a key with the INFERENCE scope.',
    ),
  notFound: (path: string) => new GatewayError(404, 'unknown_url', `Unknown request URL: ${path}.`),
  methodNotAllowed: (method: string, path: string, allowed: string) =>
    new GatewayError(405, 'method_not_allowed', `${method} is not allowed on ${path}.`, null, {
      allow: allowed,
    }),
  modelNotFound: (model: string) =>
    new GatewayError(
      404,
      'model_not_found',
      `The model '${model}' does not exist or you do not have access to it. Use the name of one of your endpoints.`,
      'model',
    ),
  /** One of the caller's endpoints that does not take requests now (GET /v1/models/{name}). */
  modelNotServing: (name: string, refused: 'paused' | 'failed' | null) =>
    new GatewayError(
      404,
      'model_not_found',
      refused === 'paused'
        ? `The endpoint '${name}' is paused. Resume it in the portal to use it.`
        : refused === 'failed'
          ? `The endpoint '${name}' failed to provision. See why in the portal, then resume it to retry.`
          : `The endpoint '${name}' has no replica ready yet. Retry once it is active.`,
      'model',
    ),
  /** A request to one of the caller's endpoints that is paused or failed to provision. */
  endpointRefuses: (name: string, refused: 'paused' | 'failed') =>
    refused === 'paused'
      ? new GatewayError(
          503,
          'endpoint_paused',
          `The endpoint '${name}' is paused. Resume it in the portal to send requests.`,
        )
      : new GatewayError(
          503,
          'endpoint_failed',
          `The endpoint '${name}' failed to provision and serves no requests. See why in the portal, then resume it to retry.`,
        ),
  tooLarge: (max: number) =>
    new GatewayError(413, 'request_too_large', `The request body exceeds ${max} bytes.`),
  tooManyConcurrent: (max: number) =>
    new GatewayError(
      429,
      'rate_limit_exceeded',
      `Too many concurrent requests for this API key (limit ${max}). Retry when one finishes.`,
      null,
      { 'retry-after': '1' },
    ),
  noHealthyReplica: (detail: string) => new GatewayError(503, 'no_healthy_replica', detail),
};
