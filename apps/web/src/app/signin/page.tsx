import Link from 'next/link';
import { Brand } from '@/components/brand';
import { env } from '@/env';
import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';

const ERRORS: Record<string, string> = {
  OAuthSignin: 'Could not reach the sign-on provider. Try again.',
  OAuthCallback: 'The sign-on provider refused the sign-in.',
  AccessDenied: 'Your sign-on account has no verified e-mail address.',
  SessionRequired: 'Sign in to continue.',
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string }>;
}) {
  const { error } = await searchParams;
  const settings = env();
  const oidcName = settings.OIDC_ISSUER ? settings.OIDC_NAME : undefined;
  return (
    <>
      <header className="topbar">
        <Brand />
      </header>
      <main className="auth-card">
        <h1>Sign in</h1>
        <p className="muted">
          New to AI Grid? <Link href="/signup">Create an account</Link>
        </p>
        {error && (
          <div className="error" role="alert" data-testid="form-error">
            {ERRORS[error] ?? 'Sign-in failed. Try again.'}
          </div>
        )}
        <SignInForm oidcName={oidcName} />
      </main>
    </>
  );
}
