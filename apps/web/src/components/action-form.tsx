'use client';
// A form whose submit runs a server action, for the portal's small write forms.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { ActionResult } from '@/server/api-caller';
import { useHydrated } from './use-hydrated';

/** The label of the first required field left empty, if any. */
function missingField(form: HTMLFormElement): string | null {
  for (const el of form.querySelectorAll<HTMLInputElement>('input[required]')) {
    if (el.value.trim() === '')
      return el.closest('label')?.firstChild?.textContent?.trim() ?? el.name;
  }
  return null;
}

/**
 * A form whose submit runs a server action: an empty required field or the API's refusal is
 * shown; a success says so, clears the form and refreshes the page's data.
 */
export function ActionForm<T>({
  label,
  submit,
  done,
  run,
  onDone,
  children,
}: {
  label: string;
  submit: string;
  /** Shown after a success. */
  done: string;
  run: (form: FormData) => Promise<ActionResult<T>>;
  onDone?: (value: T) => void;
  children: ReactNode;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setError(null);
    setSaved(false);
    const missing = missingField(form);
    if (missing) {
      setError(`${missing}: required`);
      return;
    }
    setPending(true);
    try {
      const result = await run(new FormData(form));
      if (!result.ok) {
        setError(result.message);
        return;
      }
      onDone?.(result.value);
      form.reset();
      setSaved(true);
      router.refresh();
    } finally {
      setPending(false);
    }
  }
  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label={label}>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {saved && (
        <div className="muted" role="status">
          {done}
        </div>
      )}
      <fieldset className="plain stack" disabled={!hydrated}>
        {children}
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : submit}
        </button>
      </fieldset>
    </form>
  );
}
