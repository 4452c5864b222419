import Link from 'next/link';
import { getServerSession } from 'next-auth';
import { redirect } from 'next/navigation';
import { Brand } from '@/components/brand';
import { authOptions } from '@/server/auth/options';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const session = await getServerSession(authOptions());
  if (session?.user?.id) redirect('/dashboard');
  return (
    <>
      <header className="topbar">
        <Brand />
        <nav className="user-menu">
          <Link href="/signin">Sign in</Link>
        </nav>
      </header>
      <main className="container hero">
        <h1>Inference at the edge of the network</h1>
        <p className="lead">
          Buy inference endpoints served from telco points of presence, scoped by latency SLO and
          jurisdiction. Operators list their GPU capacity; developers call it with the OpenAI SDK.
        </p>
        <div className="actions">
          <Link className="button" href="/signup">
            Create an account
          </Link>
          <Link className="button secondary" href="/signin">
            Sign in
          </Link>
        </div>
      </main>
    </>
  );
}
