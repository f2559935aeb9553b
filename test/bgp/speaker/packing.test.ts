import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { packUpdates, attributesKey, type OutgoingChange } from '../../../src/bgp/speaker/index.js';
import { codecContext, decodeMessage, encodeMessage, type Family, type PathAttributes } from '../../../src/bgp/wire/index.js';

const v4Prefix = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([a, len]) => {
  const net = len === 0 ? 0 : (a >>> (32 - len)) << (32 - len);
  const n = net >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${len}`;
});
const v6Prefix = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 })).map(([groups, len]) => {
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  v = len === 0 ? 0n : (v >> BigInt(128 - len)) << BigInt(128 - len);
  const parts: string[] = [];
  for (let i = 7; i >= 0; i--) parts.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Not RFC 5952-compressed on purpose: compare by parsed value below.
  return `${parts.join(':')}/${len}`;
});

const attrsPool: PathAttributes[] = [
  { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1' },
  { origin: 0, asPath: [{ type: 2, asns: [65001, 65002] }], nextHop: '10.0.0.1', med: 5, communities: [1, 2, 3] },
  { origin: 2, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.2', largeCommunities: [[65001, 1, 1]] },
];

const canonV6 = (p: string) => {
  const [a, len] = p.split('/');
  const groups = a!.includes('::') ? (() => { const [l, r] = a!.split('::'); const L = l ? l.split(':') : []; const R = r ? r.split(':') : []; return [...L, ...Array(8 - L.length - R.length).fill('0'), ...R]; })() : a!.split(':');
  return `${groups.map((g) => parseInt(g, 16)).join(',')}/${len}`;
};

function check(family: Family, prefixes: string[], picks: number[], extended: boolean): void {
  const ctx = codecContext({ extendedMessage: extended });
  const changes: OutgoingChange[] = prefixes.map((prefix, i) => {
    const k = picks[i % picks.length]!;
    if (k === 3) return { prefix };
    const a = attrsPool[k]!;
    return { prefix, attributes: family === 'ipv6-unicast' ? { ...a, nextHop: 'fd00::1' } : a };
  });
  const updates = packUpdates(family, changes, ctx);
  const seen = new Map<string, string>();
  const norm = family === 'ipv6-unicast' ? canonV6 : (p: string) => p;
  for (const u of updates) {
    const bytes = encodeMessage(u, ctx);
    expect(bytes.length).toBeLessThanOrEqual(extended ? 65535 : 4096);
    const m = decodeMessage(bytes, ctx).message;
    if (m.type !== 'UPDATE') throw new Error('not an UPDATE');
    const { mpReach, mpUnreach, ...rest } = m.attributes;
    for (const w of [...m.withdrawn, ...(mpUnreach?.withdrawn ?? [])]) seen.set(norm(w.prefix), 'withdraw');
    const announced = [...m.nlri, ...(mpReach?.nlri ?? [])];
    const attrs = mpReach ? { ...rest, nextHop: mpReach.nextHop } : rest;
    for (const n of announced) seen.set(norm(n.prefix), attributesKey(attrs));
  }
  const expected = new Map<string, string>();
  for (const c of changes) expected.set(norm(c.prefix), c.attributes ? attributesKey(c.attributes) : 'withdraw');
  expect(seen).toEqual(expected);
  // As few UPDATEs as fit: one per attribute group (plus one for withdrawals) unless a group overflows one message.
  const groups = new Set([...expected.values()]).size;
  const bytesNeeded = changes.length * (family === 'ipv6-unicast' ? 17 : 5);
  if (bytesNeeded < 3000) expect(updates.length).toBe(groups);
}

describe('packUpdates', () => {
  test.each([false, true])('every change appears exactly once, within the size limit (IPv4, extended %s)', (extended) => {
    fc.assert(
      fc.property(fc.uniqueArray(v4Prefix, { maxLength: 3000, size: 'xlarge' }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), (prefixes, picks) => check('ipv4-unicast', prefixes, picks, extended)),
      { numRuns: 15 },
    );
  });

  test('every change appears exactly once, within the size limit (IPv6)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(v6Prefix, { maxLength: 1500, size: 'xlarge', selector: canonV6 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), (prefixes, picks) => check('ipv6-unicast', prefixes, picks, false)),
      { numRuns: 15 },
    );
  });

  test('a full message is really full: one more prefix would not have fitted', () => {
    const ctx = codecContext();
    const changes = Array.from({ length: 3000 }, (_, i) => ({ prefix: `10.${i >> 8}.${i & 255}.0/24`, attributes: attrsPool[0]! }));
    const [first] = packUpdates('ipv4-unicast', changes, ctx);
    expect(encodeMessage(first!, ctx).length).toBeGreaterThan(4096 - 4);
  });
});
