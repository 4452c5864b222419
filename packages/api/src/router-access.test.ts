// Walks the router: every procedure declares who may call it, and every procedure that is not
// public has a cross-tenant test somewhere in this package (`crossTenant('<path>', …)`).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appRouter } from './root';
import type { Access } from './trpc';

const here = path.dirname(fileURLToPath(import.meta.url));

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? testSources(path.join(dir, d.name))
      : d.name.endsWith('.test.ts')
        ? [readFileSync(path.join(dir, d.name), 'utf8')]
        : [],
  );
}

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { access?: Access } } }>,
);

describe('every procedure', () => {
  it('declares its access, with at least one role for organisation procedures', () => {
    const missing = procedures
      .filter(([, p]) => {
        const a = p._def.meta?.access;
        return !a || (a.kind === 'org' && a.roles.length === 0);
      })
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('has a cross-tenant test unless it is public', () => {
    const sources = testSources(here).join('\n');
    const untested = procedures
      .filter(([, p]) => p._def.meta?.access?.kind !== 'public')
      .map(([name]) => name)
      .filter(
        (name) => !new RegExp(`crossTenant\\(\\s*'${name.replace('.', '\\.')}'`).test(sources),
      );
    expect(untested).toEqual([]);
  });
});
