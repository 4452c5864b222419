import Link from 'next/link';
import { Brand } from '@/components/brand';
import { SignUpForm } from './sign-up-form';

export default function SignUpPage() {
  return (
    <>
      <header className="topbar">
        <Brand />
      </header>
      <main className="auth-card">
        <h1>Create your account</h1>
        <p className="muted">
          Already have one? <Link href="/signin">Sign in</Link>
        </p>
        <SignUpForm />
      </main>
    </>
  );
}
