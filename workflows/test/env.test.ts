import { describe, expect, it } from 'vitest';
import { controlSettingsFromEnv, loadWorkerEnv } from '../src/env';

describe('loadWorkerEnv', () => {
  it('applies the defaults', () => {
    expect(loadWorkerEnv({})).toEqual({
      DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:55432/aigrid',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'aigrid-control',
      LOG_LEVEL: 'info',
      AIGRID_GATEWAY_URLS: [],
      AIGRID_GATEWAY_TOKEN: 'dev-gateway-token',
      AIGRID_RECONCILE_PERIOD_MS: 10_000,
      AIGRID_DRAIN_GRACE_MS: 30_000,
      AIGRID_NODE_DOWN_AFTER_MS: 15_000,
      AIGRID_NODE_START_TIMEOUT_MS: 15_000,
      AIGRID_DISPATCH_PERIOD_MS: 2_000,
    });
  });

  it('reads the gateways and the pacing of the workflows', () => {
    const env = loadWorkerEnv({
      AIGRID_GATEWAY_URLS: 'http://gw-1:8080/, http://gw-2:8080',
      AIGRID_GATEWAY_TOKEN: 'secret-token',
      AIGRID_RECONCILE_PERIOD_MS: '1000',
    });
    expect(env.AIGRID_GATEWAY_URLS).toEqual(['http://gw-1:8080', 'http://gw-2:8080']);
    expect(controlSettingsFromEnv(env)).toMatchObject({
      gatewayUrls: ['http://gw-1:8080', 'http://gw-2:8080'],
      gatewayToken: 'secret-token',
      reconcilePeriodMs: 1_000,
      drainGraceMs: 30_000,
    });
    expect(() => loadWorkerEnv({ AIGRID_GATEWAY_URLS: 'gw-1:8080' })).toThrow(
      'AIGRID_GATEWAY_URLS must be comma-separated http(s) base URLs',
    );
    expect(() => loadWorkerEnv({ AIGRID_RECONCILE_PERIOD_MS: '0' })).toThrow(
      /AIGRID_RECONCILE_PERIOD_MS/,
    );
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
    expect(loadWorkerEnv(source)).toMatchObject(expected);
    expect(loadWorkerEnv(source)).not.toHaveProperty('UNRELATED');
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
