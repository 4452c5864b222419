import { describe, expect, it } from 'vitest';
import { parseWebEnv } from './env';

const secret = 'x'.repeat(32);

describe('parseWebEnv', () => {
  it('fills embedded defaults', () => {
    const env = parseWebEnv({ NEXTAUTH_SECRET: secret });
    expect(env.DATABASE_URL).toMatch(/^postgresql:\/\/.*127\.0\.0\.1:55432\/aigrid$/);
    expect(env.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(env.OIDC_ISSUER).toBeUndefined();
    expect(env.AIGRID_GATEWAY_PUBLIC_URL).toBe('http://127.0.0.1:8080/v1');
  });

  it.each([
    [{}, /NEXTAUTH_SECRET/],
    [{ NEXTAUTH_SECRET: 'short' }, /NEXTAUTH_SECRET must be at least 32/],
    [{ NEXTAUTH_SECRET: secret, DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [
      { NEXTAUTH_SECRET: secret, TEMPORAL_ADDRESS: 'localhost' },
      /TEMPORAL_ADDRESS must be host:port/,
    ],
    [
      { NEXTAUTH_SECRET: secret, AIGRID_GATEWAY_PUBLIC_URL: 'inference.example.com' },
      /AIGRID_GATEWAY_PUBLIC_URL must be a URL/,
    ],
    [
      { NEXTAUTH_SECRET: secret, OIDC_CLIENT_ID: 'id' },
      /OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET/,
    ],
  ])('stops on %o naming the setting', (source, message) => {
    expect(() => parseWebEnv(source)).toThrow(message);
  });

  it('enables OIDC when all three settings are present', () => {
    const env = parseWebEnv({
      NEXTAUTH_SECRET: secret,
      OIDC_ISSUER: 'https://id.example.com',
      OIDC_CLIENT_ID: 'aigrid',
      OIDC_CLIENT_SECRET: 'shh',
    });
    expect(env.OIDC_ISSUER).toBe('https://id.example.com');
  });
});
