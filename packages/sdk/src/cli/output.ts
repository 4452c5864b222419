// Output: compact aligned tables for people, plain JSON for scripts.
import { formatMicrosUsd } from '../money';

/** JSON with bigints as numbers (or strings when too large for a double) and dates as ISO text. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      typeof v === 'bigint'
        ? v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
          ? Number(v)
          : v.toString()
        : v,
    indent,
  );
}

/** A cell: dates as `YYYY-MM-DD HH:MM`, lists comma-separated, missing as `-`. */
export function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (v instanceof Date) return formatDate(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) {
    const d = new Date(v);
    if (!Number.isNaN(d.getTime())) return formatDate(d);
  }
  if (Array.isArray(v)) return v.length ? v.map(cell).join(',') : '-';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return toJson(v, 0);
  return String(v);
}

export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

export function usd(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') {
    return formatMicrosUsd(v);
  }
  return '-';
}

/** Aligned columns separated by two spaces, with an upper-case header row. */
export function table(headers: string[], rows: string[][]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `key: value` lines with the keys aligned. */
export function fields(pairs: [string, string][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n');
}
