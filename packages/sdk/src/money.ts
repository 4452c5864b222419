// Money in the API is whole micro-units (1 USD = 1_000_000). Dollar amounts from people are
// parsed as decimal strings, never through floating point, so "0.01" is exactly 10_000.

const MICROS_PER_USD = 1_000_000n;

/**
 * `"0.01"` → 10_000; `"1.9"` → 1_900_000; `"500"` → 500_000_000. Accepts plain decimals with
 * at most six decimal places (trailing zeros beyond that are fine). Throws a RangeError that
 * says what is wrong otherwise.
 */
export function usdToMicros(text: string): number {
  const s = text.trim().replace(/^\$/, '');
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || s === '' || s === '.' || (m[1] === '' && !m[2])) {
    throw new RangeError(`"${text}" is not a dollar amount such as 0.01 or 12.5`);
  }
  const whole = m[1] || '0';
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 6) {
    throw new RangeError(`"${text}" has more than 6 decimal places (the unit is a micro-dollar)`);
  }
  const micros = BigInt(whole) * MICROS_PER_USD + BigInt(fraction.padEnd(6, '0') || '0');
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`"${text}" is too large`);
  }
  return Number(micros);
}

/** 10_000 → "$0.01"; 1_900_000 → "$1.90"; 1_234 → "$0.001234". */
export function formatMicrosUsd(micros: number | bigint | string | null | undefined): string {
  if (micros === null || micros === undefined || micros === '') return '-';
  let v: bigint;
  try {
    v = BigInt(micros);
  } catch {
    return String(micros);
  }
  const negative = v < 0n;
  if (negative) v = -v;
  const whole = v / MICROS_PER_USD;
  const fraction = (v % MICROS_PER_USD)
    .toString()
    .padStart(6, '0')
    .replace(/0+$/, '')
    .padEnd(2, '0');
  return `${negative ? '-' : ''}$${whole.toLocaleString('en-US')}.${fraction}`;
}
