// What the metering spool holds: one JSON object per line: the start of a request (`begin`),
// how far a stream got (`progress`: what the client had been sent so far, written at its first
// token and then about once a second), or its end (`end`, the usage event itself). A position in the spool is a segment
// number and a byte offset into that segment's file.
import { z } from 'zod';

export interface UsageRecord {
  /** The gateway's request id: the usage event's primary key. */
  id: string;
  organizationId: string;
  endpointId: string;
  siteId: string | null;
  nodeId: string | null;
  replicaId: string | null;
  clientMetroId: string | null;
  promptTokens: number;
  completionTokens: number;
  egressBytes: number;
  ttftMs: number | null;
  /**
   * HTTP status the client got. 0 means the request never finished because the gateway process
   * died while serving it (found as a `begin` without an `end` when the spool is recovered); its
   * counts are those of its last `progress` line (what the client had been sent by then), or 0.
   */
  status: number;
  at: Date;
}

/** Status of a usage event whose request was interrupted by a gateway restart. */
export const INTERRUPTED_STATUS = 0;

export interface SpoolPos {
  segment: number;
  offset: number;
}

export function comparePos(a: SpoolPos, b: SpoolPos): number {
  return a.segment - b.segment || a.offset - b.offset;
}

export function minPos(...positions: (SpoolPos | undefined)[]): SpoolPos | undefined {
  let min: SpoolPos | undefined;
  for (const p of positions) if (p && (!min || comparePos(p, min) < 0)) min = p;
  return min;
}

export const SEGMENT_PREFIX = 'segment-';
export const SEGMENT_SUFFIX = '.jsonl';

export function segmentFileName(segment: number): string {
  return `${SEGMENT_PREFIX}${String(segment).padStart(12, '0')}${SEGMENT_SUFFIX}`;
}

export function parseSegmentFileName(name: string): number | null {
  const m = /^segment-(\d{12})\.jsonl$/.exec(name);
  return m ? Number(m[1]) : null;
}

const count = z.number().int().nonnegative();
const nullableId = z.string().min(1).nullable();

const ZBeginLine = z.object({
  type: z.literal('begin'),
  id: z.string().min(1),
  organizationId: z.string().min(1),
  endpointId: z.string().min(1),
  at: z.iso.datetime(),
});

const ZEndLine = z.object({
  type: z.literal('end'),
  id: z.string().min(1),
  organizationId: z.string().min(1),
  endpointId: z.string().min(1),
  siteId: nullableId,
  nodeId: nullableId,
  replicaId: nullableId,
  clientMetroId: nullableId,
  promptTokens: count,
  completionTokens: count,
  egressBytes: count,
  ttftMs: z.number().nonnegative().nullable(),
  status: z.number().int().min(0).max(999),
  at: z.iso.datetime(),
});

const ZProgressLine = ZEndLine.omit({ status: true, at: true, type: true }).extend({
  type: z.literal('progress'),
});

const ZSpoolLine = z.discriminatedUnion('type', [ZBeginLine, ZProgressLine, ZEndLine]);

export type BeginLine = z.infer<typeof ZBeginLine>;
export type ProgressLine = z.infer<typeof ZProgressLine>;
export type EndLine = z.infer<typeof ZEndLine>;
export type SpoolLine = z.infer<typeof ZSpoolLine>;

function nonNegativeInt(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

export function beginLine(r: {
  id: string;
  organizationId: string;
  endpointId: string;
  at: Date;
}): string {
  const line: BeginLine = {
    type: 'begin',
    id: r.id,
    organizationId: r.organizationId,
    endpointId: r.endpointId,
    at: r.at.toISOString(),
  };
  return `${JSON.stringify(line)}\n`;
}

/** Serialises a usage record; counts are coerced to non-negative integers so a line always parses. */
export function endLine(r: UsageRecord): string {
  return `${JSON.stringify(toEnd(r))}\n`;
}

/** What a stream in progress has been sent so far (the usage record's counts now). */
export function progressLine(r: UsageRecord): string {
  const { status: _status, at: _at, ...counts } = toEnd(r);
  const line: ProgressLine = { ...counts, type: 'progress' };
  return `${JSON.stringify(line)}\n`;
}

function toEnd(r: UsageRecord): EndLine {
  return {
    type: 'end',
    id: r.id,
    organizationId: r.organizationId,
    endpointId: r.endpointId,
    siteId: r.siteId || null,
    nodeId: r.nodeId || null,
    replicaId: r.replicaId || null,
    clientMetroId: r.clientMetroId || null,
    promptTokens: nonNegativeInt(r.promptTokens),
    completionTokens: nonNegativeInt(r.completionTokens),
    egressBytes: nonNegativeInt(r.egressBytes),
    ttftMs: r.ttftMs !== null && Number.isFinite(r.ttftMs) && r.ttftMs >= 0 ? r.ttftMs : null,
    // A status that is not an HTTP status counts as a server error, never as "interrupted".
    status: Number.isInteger(r.status) && r.status >= 0 && r.status <= 999 ? r.status : 500,
    at: r.at.toISOString(),
  };
}

/** A request's usage before anything is known of it: no site, no tokens, no bytes. */
export function emptyUsage(
  r: { id: string; organizationId: string; endpointId: string; at: Date },
  status: number,
): UsageRecord {
  return {
    id: r.id,
    organizationId: r.organizationId,
    endpointId: r.endpointId,
    siteId: null,
    nodeId: null,
    replicaId: null,
    clientMetroId: null,
    promptTokens: 0,
    completionTokens: 0,
    egressBytes: 0,
    ttftMs: null,
    status,
    at: r.at,
  };
}

/**
 * The `end` line that stands for a request whose process died before it finished: status 0, with
 * the counts of its last `progress` line when it had one (a stream cut after some tokens).
 */
export function interruptedLine(b: BeginLine, progress?: ProgressLine): string {
  const usage = emptyUsage({ ...b, at: new Date(b.at) }, INTERRUPTED_STATUS);
  if (!progress) return endLine(usage);
  const { type: _type, id: _id, organizationId: _o, endpointId: _e, ...counts } = progress;
  return endLine({ ...usage, ...counts });
}

/** One line of a segment, or null when it is not a valid record (a torn or corrupt line). */
export function parseLine(text: string): SpoolLine | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const result = ZSpoolLine.safeParse(json);
  return result.success ? result.data : null;
}
