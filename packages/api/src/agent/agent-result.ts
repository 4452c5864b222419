import type { ZodError } from 'zod';
import { formatZodError } from '../trpc';

export type AgentResult<T> =
  { ok: true; value: T } | { ok: false; status: 400 | 401 | 403 | 409; message: string };

/** A payload that failed validation: 400 naming the field, as the API's errors do. */
export function invalidBody(error: ZodError): AgentResult<never> {
  return { ok: false, status: 400, message: formatZodError(error) };
}
