import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { slugify } from '@aigrid/db/seed';
import { randomBytes } from 'node:crypto';
import { env } from '../../env';
import { db } from '../db';
import { signInWithPassword } from './sign-in';

export const RATE_LIMITED = 'RATE_LIMITED';

function clientIp(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.['x-forwarded-for'];
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return first || 'unknown';
}

let cached: AuthOptions | undefined;

export function authOptions(): AuthOptions {
  cached ??= buildAuthOptions();
  return cached;
}

function buildAuthOptions(): AuthOptions {
  const settings = env();
  const providers: AuthOptions['providers'] = [
    CredentialsProvider({
      id: 'credentials',
      name: 'E-mail and password',
      credentials: {
        email: { label: 'E-mail', type: 'email' },
        password: { label: 'Password', type: 'password' },
      },
      async authorize(credentials, req) {
        const email = credentials?.email;
        const password = credentials?.password;
        if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) {
          return null;
        }
        const result = await signInWithPassword(db(), {
          email: email.slice(0, 254),
          password: password.slice(0, 200),
          ip: clientIp(req.headers),
        });
        if (!result.ok) {
          if (result.reason === 'rate_limited') throw new Error(RATE_LIMITED);
          return null;
        }
        return result.user;
      },
    }),
  ];
  if (settings.OIDC_ISSUER && settings.OIDC_CLIENT_ID && settings.OIDC_CLIENT_SECRET) {
    providers.push({
      id: 'oidc',
      name: settings.OIDC_NAME,
      type: 'oauth',
      wellKnown: `${settings.OIDC_ISSUER.replace(/\/$/, '')}/.well-known/openid-configuration`,
      idToken: true,
      checks: ['pkce', 'state'],
      authorization: { params: { scope: 'openid email profile' } },
      clientId: settings.OIDC_CLIENT_ID,
      clientSecret: settings.OIDC_CLIENT_SECRET,
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? null };
      },
    });
  }

  return {
    secret: settings.NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
    pages: { signIn: '/signin', error: '/signin' },
    providers,
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== 'oidc') return true;
        const verified = (profile as { email_verified?: boolean } | undefined)?.email_verified;
        return Boolean(user.email) && verified !== false;
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === 'oidc' && user.email) {
          token.uid = await userIdForOidc(user.email, user.name ?? user.email);
        } else if (user) {
          token.uid = user.id;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === 'string') session.user.id = token.uid;
        return session;
      },
    },
  };
}

/** The user for a verified OIDC e-mail; first sign-in creates them with their own organisation. */
async function userIdForOidc(email: string, name: string): Promise<string> {
  const normalised = email.toLowerCase();
  const existing = await db().user.findUnique({ where: { email: normalised } });
  if (existing) return existing.id;
  const orgName = `${name}'s organisation`;
  const user = await db().user.create({
    data: {
      email: normalised,
      name,
      memberships: {
        create: {
          role: 'OWNER',
          organization: {
            create: {
              name: orgName,
              slug: `${slugify(orgName)}-${randomBytes(3).toString('hex')}`,
              kinds: ['DEVELOPER'],
            },
          },
        },
      },
    },
  });
  return user.id;
}
