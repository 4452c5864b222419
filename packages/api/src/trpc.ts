// tRPC setup: context, meta (who may call each procedure), error shape, and the procedure
// builders every router uses. Every procedure states its access in `meta.access`, which a test
// walks to prove that none lacks a role or scope check.
import type { ApiKeyScope, OrgKind, Role } from '@aigrid/db';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { AUTH_FAILURE_MESSAGES, type ApiContext } from './context';
import { countWrite } from './lib/rate-limit';

export type Access =
  /** Anyone, signed in or not. */
  | { kind: 'public' }
  /** Any signed-in user, in no particular organisation (create an org, accept an invitation). */
  | { kind: 'user' }
  /** Platform administrators only (signed-in users with isPlatformAdmin). */
  | { kind: 'platform' }
  /** A member of the caller's organisation with one of `roles`, or a key with `scope`. */
  | {
      kind: 'org';
      roles: Role[];
      /** The API key scope that may call it; null: signed-in users only. */
      scope: Extract<ApiKeyScope, 'READ' | 'PROVISIONING'> | null;
      orgKind?: OrgKind;
    };

export interface Meta {
  access?: Access;
  /** For the OpenAPI document. */
  summary?: string;
  description?: string;
}

const t = initTRPC
  .context<ApiContext>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const zod = error.cause instanceof ZodError ? error.cause : null;
      return {
        ...shape,
        message: zod ? formatZodError(zod) : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          ...(zod
            ? { issues: zod.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) }
            : {}),
          ...(error.cause instanceof RetryAfter ? { retryAfterSeconds: error.cause.seconds } : {}),
        },
      };
    },
  });

export class RetryAfter extends Error {
  constructor(readonly seconds: number) {
    super(`retry after ${seconds} s`);
  }
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/** A bearer key that was sent but refused is an error everywhere, never a silent anonymous call. */
const refuseBadKeys = t.middleware(({ ctx, next }) => {
  if (ctx.authError) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: AUTH_FAILURE_MESSAGES[ctx.authError] });
  }
  return next();
});

/** Mutations count against the caller's write rate limit. */
const limitWrites = t.middleware(async ({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.principal.kind !== 'anonymous') {
    const who =
      ctx.principal.kind === 'user'
        ? `user:${ctx.principal.userId}`
        : `key:${ctx.principal.apiKeyId}`;
    const verdict = await countWrite(ctx.db, who, ctx.limits.writesPerMinute, ctx.now());
    if (!verdict.ok) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many changes: at most ${ctx.limits.writesPerMinute} a minute. Retry after ${verdict.retryAfterSeconds} s.`,
        cause: new RetryAfter(verdict.retryAfterSeconds),
      });
    }
  }
  return next();
});

/** Input errors name the field: `slo.ttftMs: must be at least 10`, the same for every caller. */
const explainValidation = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ZodError) {
    result.error.message = formatZodError(result.error.cause);
  }
  return result;
});

export function formatZodError(error: ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'input'}: ${i.message}`)
    .join('; ');
}

const base = t.procedure.use(explainValidation).use(refuseBadKeys);

export const publicProcedure = base.meta({ access: { kind: 'public' } });

export const userProcedure = base
  .meta({ access: { kind: 'user' } })
  .use(({ ctx, next }) => {
    if (ctx.principal.kind !== 'user') {
      throw new TRPCError({
        code: ctx.principal.kind === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN',
        message:
          ctx.principal.kind === 'anonymous'
            ? 'Sign in first.'
            : 'This needs a signed-in user; API keys cannot call it.',
      });
    }
    return next({ ctx: { principal: ctx.principal } });
  })
  .use(limitWrites);

export const platformAdminProcedure = base
  .meta({ access: { kind: 'platform' } })
  .use(({ ctx, next }) => {
    if (ctx.principal.kind === 'anonymous') {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
    }
    if (ctx.principal.kind !== 'user' || !ctx.principal.isPlatformAdmin) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'This needs a platform administrator.' });
    }
    return next({ ctx: { principal: ctx.principal } });
  })
  .use(limitWrites);

export interface OrgScope {
  id: string;
  kinds: OrgKind[];
  /** The user's role; null for an API key. */
  role: Role | null;
}

export interface Actor {
  userId: string | null;
  apiKeyId: string | null;
}

const ROLE_NAMES: Record<Role, string> = {
  OWNER: 'owner',
  ADMIN: 'admin',
  MEMBER: 'member',
  BILLING: 'billing',
};

/** A procedure on the caller's own organisation, with the given access. */
export function orgProcedure(access: Omit<Extract<Access, { kind: 'org' }>, 'kind'>) {
  return base
    .meta({ access: { kind: 'org', ...access } })
    .use(({ ctx, next }) => {
      const { org, actor } = resolveOrganization(ctx, access);
      return next({ ctx: { org, actor } });
    })
    .use(limitWrites);
}

function resolveOrganization(
  ctx: ApiContext,
  access: Omit<Extract<Access, { kind: 'org' }>, 'kind'>,
): { org: OrgScope; actor: Actor } {
  const p = ctx.principal;
  let org: OrgScope;
  let actor: Actor;
  if (p.kind === 'anonymous') {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'Sign in, or send an API key as `Authorization: Bearer <key>`.',
    });
  }
  if (p.kind === 'apiKey') {
    if (ctx.requestedOrgId && ctx.requestedOrgId !== p.organizationId) {
      throw new TRPCError({ code: 'NOT_FOUND', message: 'Organisation not found.' });
    }
    const scope = access.scope;
    if (!scope) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'This needs a signed-in user; API keys cannot call it.',
      });
    }
    const allowed =
      p.scopes.includes(scope) || (scope === 'READ' && p.scopes.includes('PROVISIONING'));
    if (!allowed) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `This API key lacks the \`${scope.toLowerCase()}\` scope.`,
      });
    }
    org = { id: p.organizationId, kinds: p.kinds, role: null };
    actor = { userId: null, apiKeyId: p.apiKeyId };
  } else {
    const membership = ctx.requestedOrgId
      ? p.memberships.find((m) => m.organizationId === ctx.requestedOrgId)
      : p.memberships[0];
    if (!membership) {
      throw new TRPCError(
        ctx.requestedOrgId
          ? { code: 'NOT_FOUND', message: 'Organisation not found.' }
          : {
              code: 'PRECONDITION_FAILED',
              message: 'You are not a member of any organisation yet: create one first.',
            },
      );
    }
    if (!access.roles.includes(membership.role)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `Your role (${ROLE_NAMES[membership.role]}) cannot do this; it needs ${access.roles
          .map((r) => ROLE_NAMES[r])
          .join(' or ')}.`,
      });
    }
    org = { id: membership.organizationId, kinds: membership.kinds, role: membership.role };
    actor = { userId: p.userId, apiKeyId: null };
  }
  if (access.orgKind && !org.kinds.includes(access.orgKind)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message:
        access.orgKind === 'OPERATOR'
          ? 'This needs an operator organisation.'
          : 'This needs a developer organisation.',
    });
  }
  return { org, actor };
}

/** Role sets used across routers. */
export const ROLES = {
  any: ['OWNER', 'ADMIN', 'MEMBER', 'BILLING'] as Role[],
  /** Create and change capacity, offers and endpoints. */
  builders: ['OWNER', 'ADMIN', 'MEMBER'] as Role[],
  /** Manage members, invitations and API keys; read the audit log. */
  admins: ['OWNER', 'ADMIN'] as Role[],
  owners: ['OWNER'] as Role[],
};
