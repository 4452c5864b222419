'use client';
// A button that runs a server action on one row (approve, revoke) and refreshes the page's data;
// a refusal is shown beside it.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult } from '@/server/api-caller';
import { useHydrated } from './use-hydrated';

export function ActionButton({
  label,
  ariaLabel,
  secondary = false,
  confirm,
  run,
}: {
  label: string;
  /** The accessible name, when the label alone does not say which row it acts on. */
  ariaLabel?: string;
  secondary?: boolean;
  /** Asked first, for what cannot be undone. */
  confirm?: string;
  run: () => Promise<ActionResult<unknown>>;
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hydrated = useHydrated();
  return (
    <>
      <button
        type="button"
        className={secondary ? 'secondary' : undefined}
        aria-label={ariaLabel ?? label}
        disabled={pending || !hydrated}
        onClick={async () => {
          if (confirm && !window.confirm(confirm)) return;
          setPending(true);
          setError(null);
          try {
            const result = await run();
            if (result.ok) router.refresh();
            else setError(result.message);
          } finally {
            setPending(false);
          }
        }}
      >
        {label}
      </button>
      {error && <span role="alert">{error}</span>}
    </>
  );
}
