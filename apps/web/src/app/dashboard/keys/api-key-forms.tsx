'use client';

import type { AppRouter } from '@aigrid/api';
import type { inferRouterInputs } from '@trpc/server';
import { useState } from 'react';
import { ActionButton } from '@/components/action-button';
import { ActionForm } from '@/components/action-form';
import { createApiKeyAction, revokeApiKeyAction } from './actions';

type Scopes = inferRouterInputs<AppRouter>['apiKey']['create']['scopes'];

const SCOPES = [
  { id: 'inference', label: 'inference: call your endpoints through the gateway' },
  { id: 'provisioning', label: 'provisioning: create and change endpoints (CLI, CI)' },
  { id: 'read', label: 'read: list endpoints, usage and events' },
];

export function CreateApiKeyForm() {
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  return (
    <>
      <ActionForm
        label="Create an API key"
        submit="Create key"
        done="Key created."
        run={(f) =>
          createApiKeyAction({
            name: String(f.get('name')),
            scopes: f.getAll('scopes').map(String) as Scopes,
          })
        }
        onDone={setCreated}
      >
        <label>
          Key name
          <input name="name" required />
        </label>
        <fieldset>
          <legend>What it may do</legend>
          {SCOPES.map((s) => (
            <label key={s.id}>
              <input
                type="checkbox"
                name="scopes"
                value={s.id}
                defaultChecked={s.id === 'inference'}
              />{' '}
              {s.label}
            </label>
          ))}
        </fieldset>
      </ActionForm>
      {created && (
        <div className="stack" data-testid="new-key">
          <p>
            The secret of <strong>{created.name}</strong>. Copy it now: it is not shown again.
          </p>
          <pre data-testid="new-key-secret">
            <code>{created.secret}</code>
          </pre>
        </div>
      )}
    </>
  );
}

export function RevokeApiKeyButton({ id, name }: { id: string; name: string }) {
  return (
    <ActionButton
      label="Revoke"
      ariaLabel={`Revoke ${name}`}
      secondary
      run={() => revokeApiKeyAction(id)}
    />
  );
}
