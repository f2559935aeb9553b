import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ValidationError } from '../../../src/config/diagnostics.js';
import { canonicalName, isInZone, loadZoneFile, parseZoneText, printZone, ZoneError, zoneSoa, type Zone } from '../../../src/dns/zone/model.js';

const head = '$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n  IN NS ns1\nns1 IN A 192.0.2.1\n';

function parse(body: string, extra: Partial<Parameters<typeof parseZoneText>[1]> = {}): Zone {
  return parseZoneText(head + body, { origin: 'example.org', file: 'z.zone', ...extra });
}

function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.position?.line}:${d.position?.col} ${d.code}`);
    throw err;
  }
  throw new Error('expected a ValidationError');
}

const find = (z: Zone, name: string, type: string) => z.records.filter((r) => r.name === name && r.type === type).map((r) => r.data);

describe('parseZoneText', () => {
  test('relative names, @, blank owners, $ORIGIN and multi-line parentheses', () => {
    const z = parse('www ( IN\n A\n 192.0.2.2 ) ; comment\n    IN TXT "same owner"\n$ORIGIN sub.example.org.\nx IN CNAME @\n@ IN MX 5 mail.example.net.\n');
    expect(find(z, 'www.example.org', 'A')).toEqual(['192.0.2.2']);
    expect(find(z, 'www.example.org', 'TXT')).toEqual([[Buffer.from('same owner')]]);
    expect(find(z, 'x.sub.example.org', 'CNAME')).toEqual(['sub.example.org']);
    expect(find(z, 'sub.example.org', 'MX')).toEqual([{ preference: 5, exchange: 'mail.example.net' }]);
    expect(zoneSoa(z)?.data).toEqual({ mname: 'ns1.example.org', rname: 'hostmaster.example.org', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 300 });
  });

  test('TXT: escapes, several strings, unquoted words, UTF-8 text as bytes', () => {
    const z = parse('t IN TXT "a\\"b" "c\\\\d" \\065\\066 "\\000\\255" plain "ü"\n');
    expect(find(z, 't.example.org', 'TXT')).toEqual([[Buffer.from('a"b'), Buffer.from('c\\d'), Buffer.from('AB'), Buffer.from([0, 255]), Buffer.from('plain'), Buffer.from('ü', 'utf8')]]);
  });

  test('TTL and class in either order, TTL units, $TTL', () => {
    const z = parse('a IN 60 A 192.0.2.10\nb 1h30m IN A 192.0.2.11\n$TTL 1d\nc A 192.0.2.12\n');
    expect(z.records.filter((r) => r.type === 'A').map((r) => r.ttl)).toEqual([300, 60, 5400, 86400]);
  });

  test('RFC 3597 generic rdata: known types decode to their usual shape, unknown stay bytes', () => {
    const z = parse('g IN TYPE1 \\# 4 C0000202\nu IN TYPE65534 \\# 3 ( 01 0203 )\nt IN TXT \\# 3 026869\n');
    expect(find(z, 'g.example.org', 'A')).toEqual(['192.0.2.2']);
    expect(find(z, 'u.example.org', 'UNKNOWN_65534')).toEqual([Buffer.from([1, 2, 3])]);
    expect(find(z, 't.example.org', 'TXT')).toEqual([[Buffer.from('hi')]]);
  });

  test('$INCLUDE: relative to the including file, own origin, origin restored, cycles refused', () => {
    const files: Record<string, string> = { 'zones/inc/users.inc': 'jdoe IN TXT "j"\n', 'zones/loop.inc': '$INCLUDE loop.inc\n' };
    const readInclude = (p: string) => {
      const t = files[p];
      if (t === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return t;
    };
    const z = parseZoneText(`${head}$INCLUDE inc/users.inc users\nback IN TXT "b"\n`, { origin: 'example.org', file: 'zones/main.zone', readInclude });
    expect(find(z, 'jdoe.users.example.org', 'TXT')).toHaveLength(1);
    expect(find(z, 'back.example.org', 'TXT')).toHaveLength(1);
    expect(errorsOf(() => parseZoneText(`${head}$INCLUDE loop.inc\n`, { origin: 'example.org', file: 'zones/main.zone', readInclude }))).toEqual(['1:10 zone.include-cycle']);
    expect(errorsOf(() => parse('$INCLUDE x.inc\n'))).toEqual(['5:10 zone.include-not-allowed']);
  });

  test('the zone class comes from the options or the first record that states one', () => {
    const hs = parseZoneText('$TTL 1\n@ HS SOA ns1 h 1 2 3 4 5\n@ NS ns1\nj.passwd TXT "x"\n', { origin: 'ns.example.org', file: 'z' });
    expect(hs.class).toBe('HS');
    expect(new Set(hs.records.map((r) => r.class))).toEqual(new Set(['HS']));
    expect(errorsOf(() => parse('x HS TXT "y"\n'))).toEqual(['5:3 zone.class-mismatch']);
  });

  test('reports every problem at once, each at its line and column', () => {
    expect(errorsOf(() => parse('a IN A 1.2.3\nb IN AAAA ::g\nc IN MX x y\nd IN TXT "' + 'x'.repeat(256) + '"\n'))).toEqual([
      '5:8 zone.bad-ipv4',
      '6:11 zone.bad-ipv6',
      '7:9 zone.bad-number',
      '8:10 zone.string-too-long',
    ]);
  });

  test('out-of-zone records are ignored with a warning, as BIND does', () => {
    const z = parse('www.example.com. IN A 192.0.2.9\n');
    expect(z.records.some((r) => r.name === 'www.example.com')).toBe(false);
    expect(z.warnings?.map((w) => w.code)).toEqual(['zone.out-of-zone']);
  });
});

describe('names are case-insensitive, case preserved', () => {
  const label = fc.stringMatching(/^[A-Za-z0-9]{1,10}$/);
  const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
  const flipCase = (s: string, mask: number[]) => [...s].map((c, i) => ((mask[i % mask.length] ?? 0) ? c.toUpperCase() : c.toLowerCase())).join('');

  test('canonicalName ignores case and the trailing dot, and is idempotent', () => {
    fc.assert(
      fc.property(name, fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1 }), (n, mask) => {
        expect(canonicalName(flipCase(n, mask))).toBe(canonicalName(n));
        expect(canonicalName(`${n}.`)).toBe(canonicalName(n));
        expect(canonicalName(canonicalName(n))).toBe(canonicalName(n));
      }),
    );
  });

  test('isInZone holds for every case variant and never for a mere suffix match', () => {
    fc.assert(
      fc.property(name, name, fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1 }), (child, zone, mask) => {
        expect(isInZone(flipCase(`${child}.${zone}`, mask), zone)).toBe(true);
        expect(isInZone(`x${zone}`, zone)).toBe(false);
      }),
    );
  });

  test('the parser keeps the owner\'s case; records differing only in name case are one RRset', () => {
    fc.assert(
      fc.property(label, fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1 }), (l, mask) => {
        const a = flipCase(`h${l}`, mask);
        const z = parse(`${a} IN A 192.0.2.1\n${a.toUpperCase()} IN A 192.0.2.1\n${a.toLowerCase()} 60 IN A 192.0.2.2\n`);
        const as = z.records.filter((r) => r.type === 'A' && r.name !== 'ns1.example.org');
        expect(as.map((r) => r.name)).toEqual([`${a}.example.org`, `${a.toLowerCase()}.example.org`]);
        expect(as.map((r) => r.ttl)).toEqual([300, 300]);
        expect(zoneSoa({ ...z, origin: 'EXAMPLE.ORG' })).toBeDefined();
      }),
      { numRuns: 50 },
    );
  });
});

describe('parseZoneText on arbitrary input', () => {
  const pieces = fc.constantFrom('$TTL', '$ORIGIN', '$INCLUDE', '$GENERATE', '@', '(', ')', '"', '\\', '\\#', ';', '\n', ' ', '\t', 'IN', 'HS', 'CH', 'CLASS4', 'A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'SRV', 'PTR', 'CNAME', 'HINFO', 'TYPE65534', 'TYPE1', 'TYPE16', '1.2.3.4', '::1', '300', '1h', 'www', 'a.b.', '.', '..', '\\255', '\\999', '\\.', 'é', '0', '65536', '4294967296', 'ff');
  const text = fc.oneof(fc.array(pieces, { maxLength: 60 }).map((ps) => ps.join(' ')), fc.string({ maxLength: 200 }), fc.array(pieces, { maxLength: 60 }).map((ps) => ps.join('')));

  test('returns a zone or throws a ValidationError with positioned diagnostics, never anything else', () => {
    fc.assert(
      fc.property(text, (t) => {
        try {
          parseZoneText(head + t, { origin: 'example.org', file: 'fuzz.zone', readInclude: () => t });
        } catch (err) {
          expect(err).toBeInstanceOf(ValidationError);
          for (const d of (err as ValidationError).diagnostics) expect(d.position).toBeDefined();
        }
      }),
      { numRuns: 2000 },
    );
  });
});

test('$INCLUDE fan-out is bounded (each file including two others, 16 deep)', () => {
  const readInclude = (p: string) => `x${p.length} IN TXT "x"\n$INCLUDE a${p.length}.inc\n$INCLUDE b${p.length}.inc\n`;
  const started = Date.now();
  expect(() => parseZoneText(`${head}$INCLUDE a.inc\n`, { origin: 'example.org', file: 'z.zone', readInclude })).toThrow(ValidationError);
  expect(Date.now() - started).toBeLessThan(5000);
});

describe('loadZoneFile', () => {
  test('takes the origin from the first $ORIGIN when none is given', async () => {
    const zone = await loadZoneFile('test/fixtures/dns/zones/origin.zone');
    expect(zone.origin).toBe('example.net');
    expect(zone.class).toBe('HS');
  });

  test('a zone given with trailing dots prints as if without', () => {
    const z = parse('');
    const dotted = { ...z, origin: 'example.org.', records: z.records.map((r) => ({ ...r, name: `${r.name}.` })) };
    expect(printZone(dotted)).toBe(printZone(z));
  });
});

test('an escaped non-ASCII character is that character, in names and in strings', () => {
  const z = parse('\\é\\日 IN TXT "\\😀"\n');
  expect(z.records.find((r) => r.name === 'é日.example.org')?.data).toEqual([Buffer.from('😀', 'utf8')]);
});

test('a bad origin, or none at all, is a ZoneError', async () => {
  expect(() => parseZoneText(head, { origin: 'a..b', file: 'z.zone' })).toThrow(ZoneError);
  await expect(loadZoneFile('test/fixtures/dns/checkzone/basic-in.zone')).rejects.toMatchObject({ code: 'zone.no-origin' });
});
