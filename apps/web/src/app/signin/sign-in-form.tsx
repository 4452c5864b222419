'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useHydrated } from '@/components/use-hydrated';

const MESSAGES: Record<string, string> = {
  RATE_LIMITED: 'Too many sign-in attempts. Wait 15 minutes and try again.',
  CredentialsSignin: 'Wrong e-mail or password.',
};

export function SignInForm({ oidcName }: { oidcName?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Until React runs the form, a click would submit it natively: keep it shut, and POST.
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    const form = new FormData(event.currentTarget);
    try {
      const result = await signIn('credentials', {
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        redirect: false,
      });
      if (!result?.ok) {
        setError(MESSAGES[result?.error ?? ''] ?? MESSAGES.CredentialsSignin!);
        return;
      }
      router.push('/dashboard');
      router.refresh();
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <form className="stack" method="post" onSubmit={onSubmit}>
        {error && (
          <div className="error" role="alert" data-testid="form-error">
            {error}
          </div>
        )}
        <label>
          E-mail
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={pending || !hydrated}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {oidcName && (
        <form className="stack">
          <button
            type="button"
            className="secondary"
            onClick={() => void signIn('oidc', { callbackUrl: '/dashboard' })}
          >
            Continue with {oidcName}
          </button>
        </form>
      )}
    </>
  );
}
