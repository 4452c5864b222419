import { Brand } from '@/components/brand';
import { SignOutButton } from '@/components/sign-out-button';
import { requireOrganization } from '@/server/auth/session';
import { PendingOperators } from './admin/pending-operators';
import { DeveloperOverview } from './developer-overview';
import { OperatorOverview } from './operator-overview';

export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const { user, membership } = await requireOrganization();
  const org = membership?.organization;
  return (
    <>
      <header className="topbar">
        <Brand />
        <div className="user-menu">
          {user.memberships.length > 1 && (
            <form action="/api/org" method="post" className="user-menu">
              <select name="organizationId" defaultValue={org?.id} aria-label="Organisation">
                {user.memberships.map((m) => (
                  <option key={m.organizationId} value={m.organizationId}>
                    {m.organization.name}
                  </option>
                ))}
              </select>
              <button type="submit" className="secondary">
                Switch
              </button>
            </form>
          )}
          <span data-testid="user-email">{user.email}</span>
          <SignOutButton />
        </div>
      </header>
      <main className="container">
        {user.isPlatformAdmin && <PendingOperators />}
        {!org || !membership ? (
          !user.isPlatformAdmin && (
            <div className="empty">You are not a member of any organisation yet.</div>
          )
        ) : (
          <>
            <h1 data-testid="org-name">{org.name}</h1>
            <p className="muted">
              {org.kinds.map((k) => (k === 'OPERATOR' ? 'Operator' : 'Developer')).join(' and ')}{' '}
              organisation · your role: {membership.role.toLowerCase()}
            </p>
            {org.kinds.includes('OPERATOR') && <OperatorOverview organizationId={org.id} />}
            {org.kinds.includes('DEVELOPER') && <DeveloperOverview organizationId={org.id} />}
          </>
        )}
      </main>
    </>
  );
}
