import { afterEach, describe, expect, it, vi } from 'vitest';

async function loadProviders(env: Record<string, string>) {
  vi.resetModules();
  vi.stubEnv('NEXTAUTH_SECRET', 'x'.repeat(32));
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const { authOptions } = await import('./options');
  return authOptions().providers;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('authOptions', () => {
  it('offers e-mail and password only when no OIDC provider is configured', async () => {
    const providers = await loadProviders({});
    expect(providers.map((p) => p.id)).toEqual(['credentials']);
  });

  it('adds the OIDC provider, discovered from the issuer, when configured', async () => {
    const providers = await loadProviders({
      OIDC_ISSUER: 'https://login.example.com/realms/aigrid/',
      OIDC_CLIENT_ID: 'aigrid-web',
      OIDC_CLIENT_SECRET: 'oidc-secret',
      OIDC_NAME: 'Nordtel SSO',
    });
    const oidc = providers.find((p) => p.id === 'oidc') as unknown as Record<string, unknown>;
    expect(oidc).toMatchObject({
      name: 'Nordtel SSO',
      type: 'oauth',
      wellKnown: 'https://login.example.com/realms/aigrid/.well-known/openid-configuration',
      clientId: 'aigrid-web',
      checks: ['pkce', 'state'],
    });
  });
});
