// Names shared by the workflows and their client: signals, queries and the fixed workflow ids.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export * from '../workflow-ids';

export interface ProgressStep {
  at: string;
  message: string;
}

export interface Progress {
  phase: 'starting' | 'placing' | 'reserving' | 'loading' | 'publishing' | 'active' | 'failed';
  attempt: number;
  steps: ProgressStep[];
  failureReason: string | null;
}

/** provisionEndpoint: what it did so far. */
export const progressQuery = defineQuery<Progress>('progress');

/** reconcileEndpoint: the endpoint's spec changed (SLO, jurisdictions, demand): re-plan now. */
export const updateSpecSignal = defineSignal('updateSpec');
/** reconcileEndpoint: the endpoint was paused (status PAUSED): release its replicas now. */
export const pauseSignal = defineSignal('pause');
/** reconcileEndpoint: look again now (a node of the endpoint is draining, say). */
export const nudgeSignal = defineSignal<[reason: string]>('nudge');

export interface ReconcileStatus {
  iteration: number;
  lastPassAt: string | null;
  lastDecision: string | null;
}

export const reconcileStatusQuery = defineQuery<ReconcileStatus>('status');
