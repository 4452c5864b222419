'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { approveOperatorAction } from './actions';

export function ApproveOperatorButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        aria-label={`Approve ${name}`}
        disabled={pending}
        onClick={async () => {
          setPending(true);
          try {
            const result = await approveOperatorAction(id);
            if (result.ok) router.refresh();
            else setError(result.message);
          } finally {
            setPending(false);
          }
        }}
      >
        Approve
      </button>
      {error && <span role="alert">{error}</span>}
    </>
  );
}
