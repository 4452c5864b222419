// Who is asking, resolved once per request: a signed-in user (session) or an API key.
// The caller's organisation is never taken from input: it comes from the key, or from the
// user's own memberships (the `x-aigrid-org` header may pick one of them).
import type { ApiKeyScope, Db, OrgKind, Role } from '@aigrid/db';
import { findApiKey } from './auth/api-key';

export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      email: string;
      isPlatformAdmin: boolean;
      memberships: { organizationId: string; role: Role; kinds: OrgKind[] }[];
    }
  | {
      kind: 'apiKey';
      apiKeyId: string;
      organizationId: string;
      kinds: OrgKind[];
      scopes: ApiKeyScope[];
    };

/**
 * The control plane's reaction to a committed change: starts or signals the Temporal workflows
 * that provision, reconcile, drain and decommission. Implemented by `@aigrid/workflows/client`
 * and injected by the web app; optional because the database is the source of truth and the
 * worker's dispatcher starts whatever a lost call did not (outbox). Calls are made after the
 * transaction commits and are safe to repeat.
 */
export interface GridControl {
  endpointCreated(endpointId: string): Promise<void>;
  endpointUpdated(endpointId: string): Promise<void>;
  endpointPaused(endpointId: string): Promise<void>;
  endpointResumed(endpointId: string): Promise<void>;
  endpointDeleted(endpointId: string): Promise<void>;
  nodeDrainRequested(nodeId: string): Promise<void>;
  nodeDrainCancelled(nodeId: string): Promise<void>;
}

export interface ApiLimits {
  /** Mutations per minute per user or per API key. */
  writesPerMinute: number;
}

export interface ApiContext {
  db: Db;
  principal: Principal;
  /** Why a bearer key was refused; procedures answer UNAUTHORIZED with this reason. */
  authError: AuthFailure | null;
  /** Organisation id from the `x-aigrid-org` header, if any. */
  requestedOrgId: string | null;
  /** Public URL of the web app, for links in responses (agent command lines, invitations). */
  baseUrl: string;
  limits: ApiLimits;
  now: () => Date;
  /** Starts and signals the workflows after a change; absent in tests without Temporal. */
  control?: GridControl;
}

export const DEFAULT_LIMITS: ApiLimits = { writesPerMinute: 120 };

export type AuthFailure = 'invalid_key' | 'revoked_key' | 'expired_key';

export const AUTH_FAILURE_MESSAGES: Record<AuthFailure, string> = {
  invalid_key: 'The API key is not valid.',
  revoked_key: 'This API key was revoked.',
  expired_key: 'This API key has expired.',
};

export interface CreateContextOptions {
  db: Db;
  /** The `Authorization` header, if any. */
  authorization: string | null;
  /** The `x-aigrid-org` header, if any. */
  orgHeader: string | null;
  /** The user id of a verified session, if the request carries one. */
  sessionUserId: string | null;
  baseUrl: string;
  limits?: Partial<ApiLimits>;
  now?: () => Date;
  control?: GridControl;
}

/**
 * Builds the context of one request. A bearer key that is wrong, revoked or expired is an
 * error (never silently anonymous), reported as UNAUTHORIZED by the procedures.
 */
export async function createApiContext(opts: CreateContextOptions): Promise<ApiContext> {
  const now = opts.now ?? (() => new Date());
  const base = {
    db: opts.db,
    requestedOrgId: opts.orgHeader?.trim() || null,
    baseUrl: opts.baseUrl.replace(/\/$/, ''),
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    now,
    ...(opts.control ? { control: opts.control } : {}),
  };
  const bearer = opts.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const key = await findApiKey(opts.db, bearer, now());
    if (!key.ok) return { ...base, principal: { kind: 'anonymous' }, authError: key.reason };
    return {
      ...base,
      authError: null,
      principal: {
        kind: 'apiKey',
        apiKeyId: key.apiKey.id,
        organizationId: key.apiKey.organizationId,
        kinds: key.apiKey.organization.kinds,
        scopes: key.apiKey.scopes,
      },
    };
  }
  if (opts.sessionUserId) {
    const user = await opts.db.user.findUnique({
      where: { id: opts.sessionUserId },
      include: {
        memberships: {
          include: { organization: { select: { kinds: true } } },
          orderBy: { createdAt: 'asc' },
        },
      },
    });
    if (user) {
      return {
        ...base,
        authError: null,
        principal: {
          kind: 'user',
          userId: user.id,
          email: user.email,
          isPlatformAdmin: user.isPlatformAdmin,
          memberships: user.memberships.map((m) => ({
            organizationId: m.organizationId,
            role: m.role,
            kinds: m.organization.kinds,
          })),
        },
      };
    }
  }
  return { ...base, principal: { kind: 'anonymous' }, authError: null };
}
