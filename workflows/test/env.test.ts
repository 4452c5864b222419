import { describe, expect, it } from 'vitest';
import { loadWorkerEnv } from '../src/env';

describe('loadWorkerEnv', () => {
  it('applies the defaults', () => {
    expect(loadWorkerEnv({})).toEqual({
      DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:55432/aigrid',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'aigrid-control',
      LOG_LEVEL: 'info',
    });
  });

  it('treats blank values as unset', () => {
    expect(loadWorkerEnv({ DATABASE_URL: '', LOG_LEVEL: '' })).toMatchObject({
      DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:55432/aigrid',
      LOG_LEVEL: 'info',
    });
  });

  it('takes valid settings as given', () => {
    const source = {
      DATABASE_URL: 'postgres://grid:pw@db.internal:5432/aigrid?sslmode=require',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'aigrid-prod',
      TEMPORAL_TASK_QUEUE: 'aigrid-control-eu',
      LOG_LEVEL: 'debug',
      UNRELATED: 'ignored',
    };
    const { UNRELATED: _, ...expected } = source;
    expect(loadWorkerEnv(source)).toEqual(expected);
  });

  it('names a malformed DATABASE_URL without echoing it', () => {
    const read = () => loadWorkerEnv({ DATABASE_URL: 'mysql://root:hunter2@db/aigrid' });
    expect(read).toThrow(
      new Error('Invalid environment: DATABASE_URL must be a postgres:// or postgresql:// URL'),
    );
    expect(read).not.toThrow(/hunter2/);
    expect(() => loadWorkerEnv({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  it('names every bad setting at once', () => {
    expect(() =>
      loadWorkerEnv({
        TEMPORAL_ADDRESS: 'localhost',
        LOG_LEVEL: 'verbose',
        TEMPORAL_NAMESPACE: 'a b',
      }),
    ).toThrow(
      'Invalid environment: TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233; ' +
        "TEMPORAL_NAMESPACE must be a namespace name (letters, digits, '.', '_' or '-'); " +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    );
  });
});
