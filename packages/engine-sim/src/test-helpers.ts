// Shared by the tests: engines on free ports of 127.0.0.1, and /metrics parsed.
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { startEngine, type EngineHandle, type StartEngineOptions } from './server';

export const LLAMA_8B = { parametersB: 8.03, contextTokens: 131_072, kvBytesPerToken: 131_072 };
export const MODEL = 'llama-3.1-8b-instruct';

export function startTestEngine(
  overrides: Partial<StartEngineOptions> = {},
): Promise<EngineHandle> {
  return startEngine({
    port: 0,
    host: '127.0.0.1',
    modelName: MODEL,
    model: LLAMA_8B,
    gpuTypeId: 'L40S',
    gpuCount: 1,
    timeScale: 0.05,
    seed: 7,
    ...overrides,
  });
}

export type Metrics = Map<string, PromFamily> & { text: string };

export async function metrics(url: string): Promise<Metrics> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  return Object.assign(families, { text });
}

/** A counter's or gauge's value (first sample matching the labels). */
export function value(
  families: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.get(name);
  if (!family) throw new Error(`no metric ${name}`);
  const sample = family.metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  return Number(sample?.value ?? NaN);
}

/**
 * A histogram's buckets (from the parser) and its _count and _sum, read from the sample lines:
 * parse-prometheus-text-format drops those of labelled histograms.
 */
export function histogram(families: Metrics, name: string) {
  const sample = families.get(name)?.metrics[0];
  if (!sample) throw new Error(`no histogram ${name}`);
  const line = (suffix: string) => {
    const found = families.text
      .split('\n')
      .find((l) => l.startsWith(`${name}${suffix}{`) || l.startsWith(`${name}${suffix} `));
    return Number(found?.split(' ').pop());
  };
  return { count: line('_count'), sum: line('_sum'), buckets: sample.buckets ?? {} };
}
