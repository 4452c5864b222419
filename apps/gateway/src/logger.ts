// Structured JSON logs (pino). Log records carry request ids, endpoint and replica ids, statuses
// and timings; never prompts, completions, API keys or tokens.
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string = 'info'): Logger {
  return pino({ base: { service: 'aigrid-gateway' }, level });
}
