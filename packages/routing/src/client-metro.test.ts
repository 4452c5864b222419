import { describe, expect, it } from 'vitest';
import { clientAddress, parseCidrList, parseMetroTable, resolveClientMetro } from './client-metro';

const table = parseMetroTable(`
# operator table
10.0.0.0/8      fra
10.1.0.0/16     ams   # more specific
10.1.2.0/24     lis
0.0.0.0/0       nyc
192.168.0.0/16  mars  # a metro this grid does not know
`);
const knownMetros = new Set(['fra', 'ams', 'LIS', 'nyc']);
const resolve = (header: string | null | undefined, clientIp: string | null | undefined) =>
  resolveClientMetro({ header, clientIp, table, knownMetros });

describe('resolveClientMetro', () => {
  it('takes the header when it names a known metro, trimmed and case-insensitive', () => {
    expect(resolve('  AMS ', '10.1.2.3')).toEqual({ metroId: 'ams', source: 'header' });
    expect(resolve('lis', null)).toEqual({ metroId: 'LIS', source: 'header' });
  });

  it('falls back to the longest matching prefix of the address', () => {
    expect(resolve('atlantis', '10.1.2.3')).toEqual({ metroId: 'LIS', source: 'address' });
    expect(resolve(null, '10.1.9.9')).toEqual({ metroId: 'ams', source: 'address' });
    expect(resolve(undefined, '10.200.0.1')).toEqual({ metroId: 'fra', source: 'address' });
    expect(resolve('', '8.8.8.8')).toEqual({ metroId: 'nyc', source: 'address' });
  });

  it('understands IPv4-mapped IPv6 addresses', () => {
    expect(resolve(null, '::ffff:10.1.2.3')).toEqual({ metroId: 'LIS', source: 'address' });
    expect(resolve(null, '::FFFF:10.0.0.1')).toEqual({ metroId: 'fra', source: 'address' });
  });

  it('skips entries naming an unknown metro for a shorter known one', () => {
    expect(resolve(null, '192.168.1.1')).toEqual({ metroId: 'nyc', source: 'address' });
  });

  it('is unknown without a usable header or address', () => {
    const none = { metroId: null, source: 'unknown' };
    expect(resolve(null, null)).toEqual(none);
    expect(resolve(null, '2001:db8::1')).toEqual(none);
    expect(resolve(null, '10.1.2.300')).toEqual(none);
    expect(
      resolveClientMetro({ header: 'x', clientIp: '10.1.2.3', table: [], knownMetros }),
    ).toEqual(none);
  });
});

describe('parseMetroTable', () => {
  it('reads entries, skipping comments and blank lines', () => {
    expect(parseMetroTable('\n# c\n10.1.0.0/16 fra\r\n  172.16.0.0/12\tams # x\n')).toEqual([
      { cidr: '10.1.0.0/16', metroId: 'fra' },
      { cidr: '172.16.0.0/12', metroId: 'ams' },
    ]);
  });

  it.each([
    ['10.1.0.0 fra', /line 2/],
    ['10.1.0.0/33 fra', /line 2/],
    ['10.1.0/16 fra', /line 2/],
    ['10.1.0.256/16 fra', /line 2/],
    ['10.1.0.0/16', /line 2/],
    ['10.1.0.0/16 fra extra', /line 2/],
    ['fra 10.1.0.0/16', /expected "<ipv4>\/<prefix> <metroId>"/],
  ])('rejects %j with a clear error', (line, message) => {
    expect(() => parseMetroTable(`10.0.0.0/8 ams\n${line}`)).toThrow(message);
  });
});

describe('clientAddress', () => {
  const lb = ['10.9.0.0/16', '127.0.0.1/32'];

  it('ignores X-Forwarded-For from a socket that is not a trusted proxy', () => {
    expect(
      clientAddress({ socketIp: '8.8.8.8', forwardedFor: '10.1.2.3', trustedProxies: lb }),
    ).toBe('8.8.8.8');
    expect(
      clientAddress({ socketIp: '127.0.0.1', forwardedFor: '10.1.2.3', trustedProxies: [] }),
    ).toBe('127.0.0.1');
  });

  it('takes the right-most untrusted hop behind trusted proxies', () => {
    // The client forged "1.1.1.1"; its real address was appended by the first trusted proxy.
    const forwardedFor = '1.1.1.1, 10.1.2.3, 10.9.4.4';
    expect(clientAddress({ socketIp: '10.9.0.7', forwardedFor, trustedProxies: lb })).toBe(
      '10.1.2.3',
    );
    expect(
      clientAddress({
        socketIp: '::ffff:127.0.0.1',
        forwardedFor: ['5.5.5.5', '10.1.9.9'],
        trustedProxies: lb,
      }),
    ).toBe('10.1.9.9');
    expect(
      clientAddress({ socketIp: '10.9.0.7', forwardedFor: '10.9.1.1', trustedProxies: lb }),
    ).toBe('10.9.1.1');
  });

  it('parses trusted proxy lists and names a bad entry', () => {
    expect(parseCidrList('10.0.0.0/8, 192.168.0.0/16\n127.0.0.1/32')).toEqual([
      '10.0.0.0/8',
      '192.168.0.0/16',
      '127.0.0.1/32',
    ]);
    expect(parseCidrList('')).toEqual([]);
    expect(() => parseCidrList('10.0.0.0/8, lb.internal')).toThrow(/"lb.internal"/);
  });
});
