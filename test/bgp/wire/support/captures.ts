/**
 * What a capture from a real daemon must show (shared by the live interop test and the test of
 * the committed fixtures): every message decodes without RFC 7606 errors and re-encodes byte for
 * byte; the OPEN carries the daemon's ASN; the routes we configured arrive with their
 * communities, large community, MED and prepended AS path; both End-of-RIBs; a KEEPALIVE; and
 * the NOTIFICATION our invalid NLRI provoked is an UPDATE Message Error.
 */
import { expect } from 'vitest';
import { codecContext, decodeMessage, encodeMessage, isEndOfRib, peerAsOf } from '../../../../src/bgp/wire/index.js';
import type { BgpMessage, PathAttributes } from '../../../../src/bgp/wire/index.js';
import { expectBytes, fromHex } from './hex.js';

export interface Capture {
  daemon: string;
  version: string;
  localAs: number;
  peerAs: number;
  /** Messages the daemon sent, in order, as hex (marker included). */
  messages: string[];
}

export const CAPTURED_PREFIXES = ['198.51.100.0/25', '203.0.113.0/24', '2001:db8:100::/48'];

export function checkCapture(c: Capture): BgpMessage[] {
  const ctx = codecContext();
  const decoded = c.messages.map((h, i) => {
    const bytes = fromHex(h);
    const d = decodeMessage(bytes, ctx);
    expect(d.errors, `${c.daemon} message ${i}`).toEqual([]);
    expect(d.treatAsWithdraw).toBe(false);
    expectBytes(encodeMessage(d.message, ctx, d.attributeLayout ? { attributeLayout: d.attributeLayout } : {}), bytes, `${c.daemon} message ${i} (${d.message.type}) re-encoded`);
    return d.message;
  });

  const open = decoded[0];
  expect(open?.type).toBe('OPEN');
  if (open?.type === 'OPEN') {
    expect(open.version).toBe(4);
    expect(peerAsOf(open)).toBe(c.localAs);
    expect(open.capabilities.map((x) => x.name)).toEqual(expect.arrayContaining(['multiprotocol', 'four-octet-as']));
  }
  expect(decoded.some((m) => m.type === 'KEEPALIVE')).toBe(true);

  const updates = decoded.filter((m): m is Extract<BgpMessage, { type: 'UPDATE' }> => m.type === 'UPDATE');
  const announced = new Map<string, PathAttributes>();
  for (const u of updates) {
    for (const p of u.nlri) announced.set(p.prefix, u.attributes);
    for (const p of u.attributes.mpReach?.nlri ?? []) announced.set(p.prefix, u.attributes);
  }
  expect([...announced.keys()].sort()).toEqual([...CAPTURED_PREFIXES].sort());
  for (const [prefix, a] of announced) {
    expect(a.origin, prefix).toBe(0);
    expect(a.med, prefix).toBe(50);
    expect(a.communities, prefix).toEqual([((65001 << 16) | 100) >>> 0, ((65001 << 16) | 200) >>> 0]);
    expect(a.largeCommunities, prefix).toEqual([[65001, 1, 2]]);
    const path = (a.asPath ?? []).flatMap((s) => (s.type === 2 ? s.asns : []));
    expect(path[0], `${prefix}: the daemon's own ASN leads the path`).toBe(c.localAs);
    expect(path, prefix).toContain(65010);
    if (prefix.includes(':')) expect(a.mpReach?.afi).toBe(2);
    else expect(a.nextHop ?? a.mpReach?.nextHop, prefix).toMatch(/^127\.0\.77\.\d+$/);
  }
  // End-of-RIB is sent by BIRD and ExaBGP; GoBGP sends it only when graceful restart is negotiated.
  const eors = updates.filter(isEndOfRib).map((u) => u.attributes.mpUnreach?.afi ?? 1);
  expect(eors.sort()).toEqual(c.daemon === 'gobgp' ? [] : [1, 2]);

  const last = decoded[decoded.length - 1];
  expect(last?.type).toBe('NOTIFICATION');
  if (last?.type === 'NOTIFICATION') expect(last.code).toBe(3);
  return decoded;
}
