// Which metro a client is in, to look up its RTT to each site: an explicit header wins when it
// names a known metro, otherwise the longest-prefix IPv4 CIDR match of the client's address in
// an operator-supplied table, otherwise unknown (the endpoint's default metro is then used).

export interface MetroCidr {
  cidr: string;
  metroId: string;
}

export interface ClientMetro {
  metroId: string | null;
  source: 'header' | 'address' | 'unknown';
}

interface ParsedCidr {
  network: number;
  prefix: number;
}

/** An IPv4 address as an unsigned 32-bit integer, or null. Accepts `::ffff:a.b.c.d`. */
export function parseIpv4(text: string): number | null {
  let s = text.trim();
  if (/^::ffff:/i.test(s)) s = s.slice(7);
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function parseCidr(text: string): ParsedCidr | null {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const address = parseIpv4(m[1]!);
  const prefix = Number(m[2]);
  if (address === null || prefix > 32) return null;
  return { network: (address & maskOf(prefix)) >>> 0, prefix };
}

/**
 * Parses a metro table: one `<ipv4>/<prefix> <metroId>` per line, `#` starts a comment, blank
 * lines are ignored. Throws an Error naming the line on anything else.
 */
export function parseMetroTable(text: string): MetroCidr[] {
  const table: MetroCidr[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const fields = line.split(/\s+/);
    if (fields.length !== 2 || !parseCidr(fields[0]!)) {
      throw new Error(
        `metro table line ${i + 1}: expected "<ipv4>/<prefix> <metroId>", got "${raw.trim()}"`,
      );
    }
    table.push({ cidr: fields[0]!, metroId: fields[1]! });
  });
  return table;
}

/**
 * Parses a list of CIDRs separated by commas or whitespace (the proxies whose
 * `X-Forwarded-For` is trusted). Throws an Error naming the first entry that is not one.
 */
export function parseCidrList(text: string): string[] {
  const list = text.split(/[\s,]+/).filter((s) => s !== '');
  for (const entry of list) {
    if (!parseCidr(entry)) throw new Error(`"${entry}" is not an IPv4 CIDR such as 10.0.0.0/8`);
  }
  return list;
}

function inAny(address: number, cidrs: readonly ParsedCidr[]): boolean {
  return cidrs.some((c) => (address & maskOf(c.prefix)) >>> 0 === c.network);
}

/**
 * The client's address: the socket's, unless the socket is one of `trustedProxies` (load
 * balancers in front of the gateway); then the right-most `X-Forwarded-For` entry that is not
 * itself a trusted proxy (entries left of it could be forged by the client). A client can never
 * choose its metro by sending `X-Forwarded-For` straight to the gateway.
 */
export function clientAddress(opts: {
  socketIp: string | null | undefined;
  forwardedFor: string | string[] | null | undefined;
  trustedProxies: readonly string[];
}): string | null {
  const socketIp = opts.socketIp ?? null;
  if (opts.trustedProxies.length === 0 || !opts.forwardedFor || socketIp === null) return socketIp;
  const trusted = opts.trustedProxies.map(parseCidr).filter((c): c is ParsedCidr => c !== null);
  const socket = parseIpv4(socketIp);
  if (socket === null || !inAny(socket, trusted)) return socketIp;
  const hops = (Array.isArray(opts.forwardedFor) ? opts.forwardedFor.join(',') : opts.forwardedFor)
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIpv4(hops[i]!);
    if (hop === null || !inAny(hop, trusted)) return hops[i]!;
  }
  return hops[0] ?? socketIp;
}

// Parsed tables by identity: a table is read once per process, then only looked up. Callers
// replace the array rather than mutate it.
const compiled = new WeakMap<readonly MetroCidr[], (ParsedCidr & { metroId: string })[]>();

function compile(table: readonly MetroCidr[]): (ParsedCidr & { metroId: string })[] {
  let entries = compiled.get(table);
  if (!entries) {
    entries = [];
    for (const row of table) {
      const cidr = parseCidr(row.cidr);
      if (cidr) entries.push({ ...cidr, metroId: row.metroId });
    }
    entries.sort((a, b) => b.prefix - a.prefix);
    compiled.set(table, entries);
  }
  return entries;
}

function findKnown(metroId: string, knownMetros: ReadonlySet<string>): string | null {
  const wanted = metroId.trim().toLowerCase();
  if (wanted === '') return null;
  for (const known of knownMetros) if (known.toLowerCase() === wanted) return known;
  return null;
}

/**
 * The client's metro: the header's when it names a known metro (case-insensitive, trimmed),
 * else the metro of the longest table prefix holding the client's IPv4 address (entries naming
 * an unknown metro are skipped), else unknown. Returned ids are spelled as in `knownMetros`.
 */
export function resolveClientMetro(opts: {
  header: string | null | undefined;
  clientIp: string | null | undefined;
  table: readonly MetroCidr[];
  knownMetros: ReadonlySet<string>;
}): ClientMetro {
  if (opts.header) {
    const metroId = findKnown(opts.header, opts.knownMetros);
    if (metroId) return { metroId, source: 'header' };
  }
  const address = opts.clientIp ? parseIpv4(opts.clientIp) : null;
  if (address !== null) {
    for (const entry of compile(opts.table)) {
      if ((address & maskOf(entry.prefix)) >>> 0 !== entry.network) continue;
      const metroId = findKnown(entry.metroId, opts.knownMetros);
      if (metroId) return { metroId, source: 'address' };
    }
  }
  return { metroId: null, source: 'unknown' };
}
