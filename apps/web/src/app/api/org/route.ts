// Switches the organisation the signed-in user works in (one of their own only).
import { getServerSession } from 'next-auth';
import { NextResponse } from 'next/server';
import { authOptions } from '@/server/auth/options';
import { ORG_COOKIE } from '@/server/auth/session';
import { db } from '@/server/db';

export async function POST(req: Request) {
  const session = await getServerSession(authOptions());
  const userId = session?.user?.id;
  const form = await req.formData();
  const organizationId = form.get('organizationId');
  if (!userId) return NextResponse.redirect(new URL('/signin', req.url), 303);
  const membership =
    typeof organizationId === 'string'
      ? await db().membership.findFirst({ where: { userId, organizationId } })
      : null;
  if (!membership) {
    return NextResponse.json({ error: { message: 'Organisation not found.' } }, { status: 404 });
  }
  const res = NextResponse.redirect(new URL('/dashboard', req.url), 303);
  res.cookies.set(ORG_COOKIE, membership.organizationId, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
  });
  return res;
}
