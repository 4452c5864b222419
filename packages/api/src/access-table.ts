// A markdown table of every procedure and who may call it, generated from the router itself
// (`npm run api:access` writes it into docs/api.md).
import { appRouter } from './root';
import type { Access } from './trpc';

type ProcedureDef = { _def: { type: string; meta?: { access?: Access } } };

export function describeAccess(access: Access | undefined): { who: string; key: string } {
  if (!access) return { who: '(undeclared)', key: '' };
  switch (access.kind) {
    case 'public':
      return { who: 'anyone', key: 'not needed' };
    case 'user':
      return { who: 'any signed-in user', key: 'refused' };
    case 'platform':
      return { who: 'platform admins', key: 'refused' };
    case 'org': {
      const roles = access.roles.map((r) => r.toLowerCase()).join(', ');
      const kind = access.orgKind
        ? access.orgKind === 'OPERATOR'
          ? ' of an operator organisation'
          : ' of a developer organisation'
        : '';
      return {
        who: `${roles}${kind}`,
        key: access.scope ? `\`${access.scope.toLowerCase()}\` scope` : 'refused',
      };
    }
  }
}

export function accessTable(): string {
  const rows = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, p]) => {
      const { who, key } = describeAccess(p._def.meta?.access);
      return `| \`${name}\` | ${p._def.type} | ${who} | ${key} |`;
    });
  return [
    '| procedure | type | users with role | API key |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
