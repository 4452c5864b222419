import { describe, expect, it } from 'vitest';
import { parseRouteSnapshot } from './snapshot';
import { endpoint, replica } from './testing-fixtures';

function valid() {
  return JSON.parse(
    JSON.stringify({
      version: 'v1',
      generatedAt: '2025-01-01T00:00:00.000Z',
      endpoints: [
        endpoint([replica({ id: 'r1', jurisdictions: ['eu'] }), replica({ id: 'r2' })], {
          jurisdictions: ['Eu'],
          defaultMetroId: 'fra',
        }),
      ],
      rttMs: { fra: { 'site-a': 4.5 } },
    }),
  ) as Record<string, unknown> & { endpoints: Record<string, unknown>[] };
}

describe('parseRouteSnapshot', () => {
  it('accepts a snapshot, upper-cases tags and drops unknown fields', () => {
    const json = valid();
    json.extra = 'ignored';
    const snap = parseRouteSnapshot(json);
    expect(snap.version).toBe('v1');
    expect(snap.endpoints[0]!.jurisdictions).toEqual(['EU']);
    expect(snap.endpoints[0]!.replicas.map((r) => r.jurisdictions)).toEqual([
      ['EU'],
      ['EU', 'GDPR'],
    ]);
    expect(snap.rttMs).toEqual({ fra: { 'site-a': 4.5 } });
    expect(snap).not.toHaveProperty('extra');
  });

  it('keeps a metro named __proto__ as data', () => {
    const json = valid();
    json.rttMs = JSON.parse('{"__proto__": {"site-a": 3}}');
    const snap = parseRouteSnapshot(json);
    expect(Object.hasOwn(snap.rttMs, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(snap.rttMs)).toBe(Object.prototype);
  });

  it('leaves out an endpoint of a status it does not know yet, and keeps the others', () => {
    const json = valid();
    const newer = { ...json.endpoints[0]!, id: 'ep-newer', status: 'HIBERNATING', replicas: [] };
    json.endpoints.push(newer);
    const snap = parseRouteSnapshot(json);
    expect(snap.endpoints.map((e) => e.id)).toEqual([json.endpoints[0]!.id]);
    const failed = { ...json.endpoints[0]!, id: 'ep-failed', status: 'FAILED', replicas: [] };
    json.endpoints[1] = failed;
    expect(parseRouteSnapshot(json).endpoints.map((e) => e.status)).toEqual(['ACTIVE', 'FAILED']);
  });

  const cases: [string, (j: ReturnType<typeof valid>) => unknown, RegExp][] = [
    ['not an object', () => 'nope', /snapshot must be an object/],
    ['null', () => null, /snapshot must be an object/],
    [
      'endpoints missing',
      (j) => ({ ...j, endpoints: undefined }),
      /snapshot\.endpoints must be an array/,
    ],
    ['version missing', (j) => ({ ...j, version: '' }), /snapshot\.version/],
    [
      'bad replica state',
      (j) => {
        (j.endpoints[0]!.replicas as Record<string, unknown>[])[1]!.state = 'GONE';
        return j;
      },
      /endpoints\[0\]\.replicas\[1\]\.state must be one of READY, DRAINING/,
    ],
    [
      'malformed endpoint status',
      (j) => {
        j.endpoints[0]!.status = 'active';
        return j;
      },
      /endpoints\[0\]\.status must be one of PROVISIONING, ACTIVE, DEGRADED, PAUSED, FAILED/,
    ],
    [
      'zero prefill rate',
      (j) => {
        (j.endpoints[0]!.replicas as Record<string, unknown>[])[0]!.prefillTokensPerS = 0;
        return j;
      },
      /prefillTokensPerS must be a finite number > 0/,
    ],
    [
      'fractional concurrency',
      (j) => {
        (j.endpoints[0]!.replicas as Record<string, unknown>[])[0]!.maxConcurrency = 1.5;
        return j;
      },
      /maxConcurrency must be an integer/,
    ],
    [
      'tag not a string',
      (j) => {
        j.endpoints[0]!.jurisdictions = [3];
        return j;
      },
      /endpoints\[0\]\.jurisdictions\[0\] must be a tag/,
    ],
    [
      'bad default metro',
      (j) => {
        j.endpoints[0]!.defaultMetroId = 7;
        return j;
      },
      /defaultMetroId must be a non-empty string or null/,
    ],
    [
      'duplicate replica',
      (j) => {
        const replicas = j.endpoints[0]!.replicas as Record<string, unknown>[];
        replicas[1]!.id = 'r1';
        return j;
      },
      /replica r1 appears more than once/,
    ],
    ['negative rtt', (j) => ({ ...j, rttMs: { fra: { s: -1 } } }), /rttMs\.fra\.s must be/],
    ['rtt row not an object', (j) => ({ ...j, rttMs: { fra: 5 } }), /rttMs\.fra must be an object/],
  ];

  it.each(cases)('rejects %s with a clear error', (_name, mutate, message) => {
    expect(() => parseRouteSnapshot(mutate(valid()))).toThrow(message);
  });
});
