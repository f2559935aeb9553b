/** RIB query parsing and filters: prefix containment against a brute-force model, canonical prefix text, communities. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { covers, parseCommunityText, parseLargeCommunityText, parseQueryPrefix, parseRibQuery, prefixText, routeMatches } from '../../../src/bgp/daemon/views.js';
import { codecContext, decodeMessage, encodeMessage } from '../../../src/bgp/wire/index.js';

const v4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([a, len]) => {
  const masked = len === 0 ? 0 : (a & (~0 << (32 - len))) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (masked >>> s) & 255).join('.')}/${len}`;
});

const bits = (p: string) => {
  const [a, len] = p.split('/');
  return a!.split('.').map((x) => Number(x).toString(2).padStart(8, '0')).join('').slice(0, Number(len));
};

describe('RIB filters', () => {
  test('property: covers(outer, p) is "p\'s bits start with outer\'s bits"', () => {
    fc.assert(fc.property(v4, v4, (outer, p) => {
      expect(covers(parseQueryPrefix(outer), p)).toBe(bits(p).startsWith(bits(outer)));
    }), { numRuns: 1000 });
  });

  test('property: prefixText of a parsed IPv6 prefix is the text the wire decoder gives the RIBs', () => {
    const v6 = fc.tuple(fc.array(fc.constantFrom(0, 0, 0, 1, 0xdb8, 0xffff, 0x2001), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }));
    fc.assert(fc.property(v6, ([groups, len]) => {
      const typed = `${groups.map((g) => g.toString(16)).join(':')}/${len}`;
      const canonical = prefixText(parseQueryPrefix(typed));
      const update = encodeMessage({ type: 'UPDATE', withdrawn: [], attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [{ prefix: canonical }] } }, nlri: [] }, codecContext());
      const decoded = decodeMessage(update, codecContext()).message;
      expect(decoded.type === 'UPDATE' && decoded.attributes.mpUnreach?.withdrawn[0]?.prefix).toBe(canonical);
    }), { numRuns: 300 });
  });

  test('query parameters and their errors', () => {
    expect(parseRibQuery(new URLSearchParams('table=in&peer=r2&policy=pre&prefix=10.0.0.0/8&match=longer&limit=5'))).toMatchObject({ table: 'in', peer: 'r2', policy: 'pre', match: 'longer', limit: 5, prefix: { family: 'ipv4', length: 8 } });
    expect(parseRibQuery(new URLSearchParams(''))).toEqual({ table: 'loc', policy: 'post', match: 'exact' });
    expect(() => parseRibQuery(new URLSearchParams('limit=0'))).toThrow(/positive integer/);
    expect(() => parseRibQuery(new URLSearchParams('match=shorter'))).toThrow(/exact nor longer/);
    expect(() => parseQueryPrefix('10.0.0.0/33')).toThrow(/not a prefix/);
    expect(prefixText(parseQueryPrefix('2001:DB8::1'))).toBe('2001:db8::1/128');
  });

  test('communities: numbers, well-known names, large communities, and the filters', () => {
    expect(parseCommunityText('65000:100')).toBe(((65000 << 16) | 100) >>> 0);
    expect(parseCommunityText('no-export')).toBe(0xffffff01);
    expect(parseCommunityText('NO_ADVERTISE')).toBe(0xffffff02);
    expect(() => parseCommunityText('65536:1')).toThrow(/not a community/);
    expect(parseLargeCommunityText('4200000000:1:2')).toEqual([4200000000, 1, 2]);
    expect(() => parseLargeCommunityText('1:2')).toThrow(/large community/);
    const q = parseRibQuery(new URLSearchParams('community=65000:100&large-community=1:2:3'));
    expect(routeMatches(q, '10.0.0.0/8', { communities: [((65000 << 16) | 100) >>> 0], largeCommunities: [[1, 2, 3]] })).toBe(true);
    expect(routeMatches(q, '10.0.0.0/8', { communities: [((65000 << 16) | 100) >>> 0] })).toBe(false);
  });
});
