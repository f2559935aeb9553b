/**
 * Messages captured from BIRD, GoBGP and ExaBGP (test/fixtures/bgp/captures/, made by
 * test/interop/bgp-capture.test.ts): each decodes to the fields we configured on the daemon
 * and re-encodes to the same bytes. Runs without the daemons.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { BgpMessage, OpenMessage } from '../../../src/bgp/wire/index.js';
import { checkCapture, type Capture } from './support/captures.js';

const dir = join(import.meta.dirname, '../../fixtures/bgp/captures');
const load = (name: string): Capture => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Capture;
const capNames = (m: BgpMessage | undefined): string[] => (m as OpenMessage).capabilities.map((c) => (c.name === 'unknown' ? `unknown:${c.code}` : c.name));

describe('captures from real daemons', () => {
  test('BIRD: all capabilities in one parameter, MP_REACH_NLRI first with extended length', () => {
    const c = load('bird');
    expect(c.version).toMatch(/^BIRD version 2\./);
    const msgs = checkCapture(c);
    const open = msgs[0] as OpenMessage;
    expect(open.capabilityGroups).toEqual([open.capabilities.length]);
    expect(capNames(open)).toEqual(expect.arrayContaining(['graceful-restart', 'enhanced-route-refresh', 'route-refresh']));
    // Header (19 bytes) + withdrawn length (2) + attribute length (2): the first attribute's flags and type.
    const mpFirst = c.messages.filter((h) => h.slice(36, 38) === '02' && h.slice(46, 50) === '900e');
    expect(mpFirst.length, 'UPDATEs whose first attribute is MP_REACH_NLRI flagged 0x90').toBeGreaterThan(0);
  });

  test('GoBGP: FQDN capability and extended next hop (kept as unknown code 5); no End-of-RIB without graceful restart', () => {
    const c = load('gobgp');
    expect(c.version).toMatch(/gobgpd version 3\./);
    const msgs = checkCapture(c);
    expect(capNames(msgs[0])).toEqual(expect.arrayContaining(['fqdn', 'unknown:5', 'four-octet-as']));
  });

  test('ExaBGP: extended message capability; NOTIFICATION data carries its reason as text', () => {
    const c = load('exabgp');
    expect(c.version).toMatch(/ExaBGP : 4\./);
    const msgs = checkCapture(c);
    expect(capNames(msgs[0])).toContain('extended-message');
    const last = msgs[msgs.length - 1];
    expect(last?.type === 'NOTIFICATION' && Buffer.from(last.data).toString()).toMatch(/decode route/);
  });
});
