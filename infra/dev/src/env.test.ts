import { describe, expect, it } from 'vitest';
import { parseDevEnv } from './env';

describe('parseDevEnv', () => {
  it('uses embedded defaults when nothing is set', () => {
    const env = parseDevEnv({});
    expect(env).toMatchObject({ AIGRID_PG_PORT: 55432, TEMPORAL_PORT: 7233, WEB_PORT: 3000 });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.AIGRID_DATA_DIR).toMatch(/\.data$/);
  });

  it.each([
    [{ WEB_PORT: 'eighty' }, /WEB_PORT/],
    [{ AIGRID_PG_PORT: '70000' }, /AIGRID_PG_PORT/],
    [{ DATABASE_URL: 'mysql://db' }, /DATABASE_URL must be a postgres/],
    [{ TEMPORAL_ADDRESS: 'temporal' }, /TEMPORAL_ADDRESS must be host:port/],
  ])('stops on %o naming the setting', (source, message) => {
    expect(() => parseDevEnv(source)).toThrow(message);
  });
});
