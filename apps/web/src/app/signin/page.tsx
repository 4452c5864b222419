import Link from 'next/link';
import { Brand } from '@/components/brand';
import { env } from '@/env';
import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';

export default function SignInPage() {
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
        <SignInForm oidcName={oidcName} />
      </main>
    </>
  );
}
