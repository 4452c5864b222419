// Structured JSON logs (pino), one line per event, on stdout. Never log secrets such as
// DATABASE_URL: log hosts, queues and ids instead.
import type {
  Logger as TemporalLogger,
  LogLevel as TemporalLogLevel,
  LogMetadata,
} from '@temporalio/worker';
import { pino, stdSerializers, stdTimeFunctions, type Logger } from 'pino';
import type { LogLevel } from './env';

export type { Logger };

export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'aigrid-workflows' },
    timestamp: stdTimeFunctions.isoTime,
    // Temporal reports failures under `error`; serialise them like pino's own `err`.
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
    redact: {
      paths: ['DATABASE_URL', '*.DATABASE_URL', 'databaseUrl', '*.databaseUrl'],
      censor: '[redacted]',
    },
  });
}

const LEVELS = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<TemporalLogLevel, string>;

/** Routes the Temporal SDK's own logs (worker, activities, workflows) into `logger`. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    // Keep string keys only: the SDK adds symbol-keyed internals such as its timestamp.
    const fields = Object.fromEntries(Object.entries(meta ?? {}));
    logger[LEVELS[level]](fields, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
