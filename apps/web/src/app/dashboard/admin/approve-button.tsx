'use client';

import { ActionButton } from '@/components/action-button';
import { approveOperatorAction } from './actions';

export function ApproveOperatorButton({ id, name }: { id: string; name: string }) {
  return (
    <ActionButton
      label="Approve"
      ariaLabel={`Approve ${name}`}
      run={() => approveOperatorAction(id)}
    />
  );
}
