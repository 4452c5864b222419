// Small statistics helpers for the gateway benchmark.

/** Nearest rank: the smallest sample with at least p % of the samples at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/**
 * 95 % bootstrap interval of percentile(a, p) − percentile(b, p): both samples resampled with
 * replacement (seeded, so a run is repeatable). It treats requests as independent, which requests
 * batched together on one engine are not, so the true uncertainty is at least this wide.
 */
export function bootstrapDiffInterval(
  a: readonly number[],
  b: readonly number[],
  p: number,
  rng: () => number,
  iterations = 1_000,
): [number, number] {
  if (a.length === 0 || b.length === 0) return [NaN, NaN];
  const resample = (xs: readonly number[]) =>
    Array.from(xs, () => xs[Math.floor(rng() * xs.length)]!);
  const diffs = Array.from(
    { length: iterations },
    () => percentile(resample(a), p) - percentile(resample(b), p),
  );
  return [percentile(diffs, 2.5), percentile(diffs, 97.5)];
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Renders rows as a Markdown table with right-aligned numbers. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(head),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}
