// Replay fixtures: a workflow's recorded history, stored as the protobuf encoding (base64) in a
// small JSON file, so that it decodes byte for byte whatever the JSON mapping of the SDK.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

export interface HistoryFixture {
  workflowId: string;
  workflowType: string;
  historyBase64: string;
}

export const HISTORIES_DIR = fileURLToPath(new URL('../histories', import.meta.url));

export function encodeHistory(workflowId: string, history: History): HistoryFixture {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return {
    workflowId,
    workflowType: started?.workflowType?.name ?? 'unknown',
    historyBase64: Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString(
      'base64',
    ),
  };
}

export function loadHistoryFixtures(): { name: string; workflowId: string; history: History }[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const fixture = JSON.parse(
        readFileSync(path.join(HISTORIES_DIR, f), 'utf8'),
      ) as HistoryFixture;
      return {
        name: f.replace(/\.json$/, ''),
        workflowId: fixture.workflowId,
        history: temporal.api.history.v1.History.decode(
          Buffer.from(fixture.historyBase64, 'base64'),
        ),
      };
    });
}
