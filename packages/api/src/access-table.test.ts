import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { accessTable } from './access-table';

describe('docs/api.md', () => {
  it('lists every procedure with its access as the router declares it (npm run api:access)', () => {
    const doc = readFileSync(
      fileURLToPath(new URL('../../../docs/api.md', import.meta.url)),
      'utf8',
    );
    const table = doc.split('<!-- procedures:start -->')[1]?.split('<!-- procedures:end -->')[0];
    expect(table?.trim()).toBe(accessTable());
  });
});
