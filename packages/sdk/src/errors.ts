// One error type for everything the SDK can fail with: tRPC errors from the API, answers of the
// sign-up and sign-in routes, and a server that cannot be reached or answers with something else.
import { TRPCClientError } from '@trpc/client';

export type AigridErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  /** The server could not be reached (refused, unknown host, timed out). */
  | 'NETWORK_ERROR'
  /** The server answered with something that is not the AI Grid API (wrong URL?). */
  | 'BAD_RESPONSE'
  | 'UNKNOWN';

export interface AigridErrorIssue {
  path: string;
  message: string;
}

export class AigridError extends Error {
  override readonly name = 'AigridError';
  constructor(
    readonly code: AigridErrorCode,
    message: string,
    readonly details: {
      httpStatus?: number;
      /** The procedure that failed, such as `endpoint.create`. */
      path?: string;
      issues?: AigridErrorIssue[];
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
  }
}

const HTTP_CODES: Record<number, AigridErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
};

const KNOWN_CODES = new Set<string>(Object.values(HTTP_CODES));

/** The error code for an HTTP status, for routes outside tRPC. */
export function codeForHttpStatus(status: number): AigridErrorCode {
  return HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'UNKNOWN');
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** True when `err` (or one of its causes) says the server could not be reached. */
export function isNetworkFailure(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 6; depth++) {
    if (typeof e !== 'object') return false;
    const { code, name, message, cause } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (name === 'TypeError' && message === 'fetch failed') return true;
    e = cause;
  }
  return false;
}

/** Turns anything thrown by the SDK into an `AigridError` (returned as is if it already is one). */
export function toAigridError(err: unknown): AigridError {
  if (err instanceof AigridError) return err;
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? undefined) as
      | {
          code?: string;
          httpStatus?: number;
          path?: string;
          issues?: AigridErrorIssue[];
          retryAfterSeconds?: number;
        }
      | undefined;
    const response = (err.meta as { response?: Response } | undefined)?.response;
    if (data?.code) {
      const retryText = response?.headers.get('retry-after');
      const retryHeader = retryText ? Number(retryText) : NaN;
      return new AigridError(
        KNOWN_CODES.has(data.code) ? (data.code as AigridErrorCode) : 'UNKNOWN',
        err.message,
        {
          httpStatus: data.httpStatus,
          path: data.path,
          issues: data.issues ?? undefined,
          retryAfterSeconds:
            data.retryAfterSeconds ??
            (data.code === 'TOO_MANY_REQUESTS' && Number.isFinite(retryHeader)
              ? retryHeader
              : undefined),
          cause: err,
        },
      );
    }
    if (isNetworkFailure(err)) {
      return new AigridError('NETWORK_ERROR', networkMessage(err), { cause: err });
    }
    const status = response?.status;
    return new AigridError(
      'BAD_RESPONSE',
      `The server did not answer like the AI Grid API${status ? ` (HTTP ${status})` : ''}: ${err.message}`,
      { httpStatus: status, cause: err },
    );
  }
  if (isNetworkFailure(err)) {
    return new AigridError('NETWORK_ERROR', networkMessage(err), { cause: err });
  }
  return new AigridError('UNKNOWN', err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}

function networkMessage(err: unknown): string {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (name === 'TimeoutError') return 'The server did not answer in time.';
    if (typeof code === 'string' && NETWORK_CODES.has(code)) {
      return `Cannot reach the server (${code}).`;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return 'Cannot reach the server.';
}

/** The tRPC error code of `err`, such as `NOT_FOUND`, or `NETWORK_ERROR`, `BAD_RESPONSE`, `UNKNOWN`. */
export function errorCode(err: unknown): AigridErrorCode {
  return toAigridError(err).code;
}
