'use client';

import { ActionButton } from '@/components/action-button';
import { deleteEndpointAction, pauseEndpointAction, resumeEndpointAction } from './actions';

/** Pause, resume (or retry) and delete, as the endpoint's status allows. */
export function EndpointActions({ id, status }: { id: string; status: string }) {
  const gone = status === 'DECOMMISSIONING' || status === 'DECOMMISSIONED';
  return (
    <div className="actions" aria-label="Endpoint actions" role="group">
      {(status === 'ACTIVE' || status === 'DEGRADED') && (
        <ActionButton label="Pause" run={() => pauseEndpointAction(id)} />
      )}
      {(status === 'PAUSED' || status === 'FAILED') && (
        <ActionButton
          label={status === 'FAILED' ? 'Retry' : 'Resume'}
          run={() => resumeEndpointAction(id)}
        />
      )}
      {!gone && (
        <ActionButton
          label="Delete"
          secondary
          confirm="Delete this endpoint? Its replicas are released and its name stays taken."
          run={() => deleteEndpointAction(id)}
        />
      )}
    </div>
  );
}
