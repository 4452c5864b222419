// Every workflow's recorded histories (test/histories, recorded by the provisioning and fault
// tests with AIGRID_RECORD_HISTORIES=1) must replay against today's workflow code: a change
// that would break running workflows fails here and needs `patched()`.
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../src/worker';
import { loadHistoryFixtures } from './support/histories';

describe('recorded workflow histories', () => {
  const fixtures = loadHistoryFixtures();

  it('cover every workflow', () => {
    const types = new Set(
      fixtures.map(
        (f) => f.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name,
      ),
    );
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        'decommissionEndpoint',
        'drainNode',
        'provisionEndpoint',
        'reconcileEndpoint',
      ]),
    );
  });

  it('replay deterministically', { timeout: 120_000 }, async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath },
      fixtures.map((f) => ({ workflowId: f.workflowId, history: f.history })),
    );
    const failures: string[] = [];
    for await (const result of results) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });
});
