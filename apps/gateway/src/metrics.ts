// The gateway's own Prometheus metrics, rendered in the text exposition format (0.0.4):
// requests by endpoint, site and status; errors by code; time to first token and the latency the
// gateway itself adds, per endpoint and site; requests in flight; age of the route snapshot.
const LATENCY_BUCKETS_S = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

type Labels = Record<string, string>;

const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labelText(labels: Labels, extra?: string): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, { value }] of this.values) lines.push(`${this.name}${key} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[] = LATENCY_BUCKETS_S,
  ) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]!) s.counts[i]!++;
    }
    s.sum += value;
    s.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((b, i) => {
        lines.push(`${this.name}_bucket${labelText(labels, `le="${b}"`)} ${counts[i]}`);
      });
      lines.push(`${this.name}_bucket${labelText(labels, 'le="+Inf"')} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

export class GatewayMetrics {
  readonly requests = new Counter(
    'aigrid_gateway_requests_total',
    'Inference requests finished, by endpoint id, site id and HTTP status.',
  );
  readonly errors = new Counter(
    'aigrid_gateway_errors_total',
    'Requests answered with an error, by error code.',
  );
  readonly upstreamFailures = new Counter(
    'aigrid_gateway_upstream_failures_total',
    'Failed attempts at a replica (connect error, reset, 5xx, 429), by replica and reason.',
  );
  readonly ttft = new Histogram(
    'aigrid_gateway_ttft_seconds',
    'Time from the request reaching the gateway to the first upstream body byte, seconds.',
  );
  readonly overhead = new Histogram(
    'aigrid_gateway_overhead_seconds',
    'Latency the gateway adds before the first byte (auth, parse, routing, retries), seconds.',
  );
  inFlight = 0;

  constructor(private readonly snapshotAgeS: () => number | null) {}

  render(): string {
    const age = this.snapshotAgeS();
    return (
      [
        this.requests.render(),
        this.errors.render(),
        this.upstreamFailures.render(),
        this.ttft.render(),
        this.overhead.render(),
        '# HELP aigrid_gateway_in_flight Inference requests in progress.',
        '# TYPE aigrid_gateway_in_flight gauge',
        `aigrid_gateway_in_flight ${this.inFlight}`,
        '# HELP aigrid_gateway_route_snapshot_age_seconds Seconds since the route snapshot was last confirmed by the control plane (-1: none).',
        '# TYPE aigrid_gateway_route_snapshot_age_seconds gauge',
        `aigrid_gateway_route_snapshot_age_seconds ${age ?? -1}`,
      ].join('\n') + '\n'
    );
  }
}
