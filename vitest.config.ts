import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'workflows/{src,test}/**/*.test.ts',
      'infra/dev/src/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/.next/**', '**/generated/**'],
    globalSetup: ['infra/dev/src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
