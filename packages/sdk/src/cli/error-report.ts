// Maps an error to what the CLI prints about it and the exit code it ends with.
import { toAigridError, type AigridError } from '../errors';
import { ConfigError } from './config';
import { EXIT, exitCodeFor } from './exit-codes';
import { NotSignedInError, UsageError } from './framework';

export interface ErrorReport {
  code: string;
  message: string;
  exitCode: number;
  issues?: { path: string; message: string }[];
  retryAfterSeconds?: number;
}

export function report(err: unknown, url: string | undefined): ErrorReport {
  if (err instanceof UsageError)
    return { code: 'USAGE', message: err.message, exitCode: EXIT.USAGE };
  if (err instanceof NotSignedInError) {
    return { code: 'NOT_SIGNED_IN', message: err.message, exitCode: EXIT.AUTH };
  }
  if (err instanceof ConfigError)
    return { code: 'CONFIG', message: err.message, exitCode: EXIT.ERROR };
  const e: AigridError = toAigridError(err);
  let message = e.message;
  if (e.code === 'NETWORK_ERROR' && url)
    message = `${message.replace(/\.$/, '')} at ${url}. Is it running, and is --url right?`;
  if (
    e.code === 'TOO_MANY_REQUESTS' &&
    e.details.retryAfterSeconds &&
    !/retry after/i.test(message)
  ) {
    message = `${message} Retry after ${e.details.retryAfterSeconds} s.`;
  }
  return {
    code: e.code,
    message,
    exitCode: exitCodeFor(e.code),
    ...(e.details.issues?.length ? { issues: e.details.issues } : {}),
    ...(e.details.retryAfterSeconds !== undefined
      ? { retryAfterSeconds: e.details.retryAfterSeconds }
      : {}),
  };
}
