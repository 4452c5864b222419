import { getServerSession } from 'next-auth';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { db } from '../db';
import { authOptions } from './options';

export const ORG_COOKIE = 'aigrid-org';

/** The signed-in user with their memberships, or a redirect to sign-in. */
export async function requireUser() {
  const session = await getServerSession(authOptions());
  const userId = session?.user?.id;
  if (!userId) redirect('/signin');
  const user = await db().user.findUnique({
    where: { id: userId },
    include: {
      memberships: { include: { organization: true }, orderBy: { createdAt: 'asc' } },
    },
  });
  if (!user) redirect('/signin');
  return user;
}

/** The user and the organisation they are working in (picked by cookie among their own). */
export async function requireOrganization() {
  const user = await requireUser();
  const wanted = (await cookies()).get(ORG_COOKIE)?.value;
  const membership =
    user.memberships.find((m) => m.organizationId === wanted) ?? user.memberships[0];
  return { user, membership };
}
