'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useHydrated } from '@/components/use-hydrated';

export function SignUpForm() {
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
    const body = Object.fromEntries(form.entries());
    try {
      const res = await fetch('/api/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        const data = (await res.json().catch(() => null)) as {
          error?: { message?: string };
        } | null;
        setError(data?.error?.message ?? 'Sign-up failed. Try again.');
        return;
      }
      const signedIn = await signIn('credentials', {
        email: String(body.email),
        password: String(body.password),
        redirect: false,
      });
      if (!signedIn?.ok) {
        router.push('/signin');
        return;
      }
      router.push('/dashboard');
      router.refresh();
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="stack" method="post" onSubmit={onSubmit} noValidate>
      {error && (
        <div className="error" role="alert" data-testid="form-error">
          {error}
        </div>
      )}
      <label>
        Your name
        <input name="name" autoComplete="name" required />
      </label>
      <label>
        Work e-mail
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password (at least 10 characters, letters and digits or symbols)
        <input name="password" type="password" autoComplete="new-password" required />
      </label>
      <label>
        Organisation
        <input name="organizationName" autoComplete="organization" required />
      </label>
      <div className="kind-choice" role="radiogroup" aria-label="Account type">
        <label>
          <input type="radio" name="kind" value="DEVELOPER" defaultChecked /> I build with AI
        </label>
        <label>
          <input type="radio" name="kind" value="OPERATOR" /> I operate a network
        </label>
      </div>
      <button type="submit" disabled={pending || !hydrated}>
        {pending ? 'Creating account…' : 'Create account'}
      </button>
    </form>
  );
}
