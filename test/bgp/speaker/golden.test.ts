/**
 * Conformance in the holo style: a scripted exchange between two speakers, with every byte
 * sent and every event compared with a JSON fixture. Regenerate only with UPDATE_GOLDENS=1,
 * and read the diff: a changed byte is a behaviour change.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { Lab } from './harness.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { decodeMessage } from '../../../src/bgp/wire/index.js';

const here = dirname(fileURLToPath(import.meta.url));

function golden(name: string, actual: unknown): void {
  const file = join(here, 'fixtures', `${name}.json`);
  const text = `${JSON.stringify(actual, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v), 2)}\n`;
  if (process.env.UPDATE_GOLDENS === '1' || !existsSync(file)) {
    if (process.env.UPDATE_GOLDENS !== '1') throw new Error(`golden ${file} is missing; run with UPDATE_GOLDENS=1 to create it`);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    return;
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

test('r1 (AS 65001) and r2 (AS 65002): session, table exchange, withdrawal, shutdown', () => {
  const policies = { out: [{ match: { prefix: '198.51.100.0/24' }, set: { 'community-add': '65001:7', med: 20 }, action: 'accept' as const }, { action: 'accept' as const }] };
  const lab = new Lab();
  lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [{ id: 'r2', address: '10.0.0.2', remoteAsn: 65002, localAddress: '10.0.0.1', localAddress6: 'fd00:1::1', holdTime: 30, import: resolvePolicyChain(['all'], {}), export: resolvePolicyChain(['out'], policies) }] });
  lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [{ id: 'r1', address: '10.0.0.1', remoteAsn: 65001, localAddress: '10.0.0.2', holdTime: 90, passive: true, import: resolvePolicyChain(['all'], {}), export: resolvePolicyChain(['none'], {}) }] });
  lab.wire('r1', 'r2', 'r2', 'r1');
  lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24'));
  lab.apply('r1', lab.speaker('r1').originate('198.51.100.0/24'));
  lab.apply('r1', lab.speaker('r1').originate('2001:db8:1::/48'));
  lab.startAll();
  // r2 was not started when r1 first tried, so r1 connects on its ConnectRetry (5 s); keepalives every 10 s (hold 30).
  lab.advance(21_000);
  lab.apply('r1', lab.speaker('r1').withdrawOriginated('203.0.113.0/24'));
  lab.apply('r1', lab.speaker('r1').stopPeer('r2', 'bye'));
  const wire = lab.sent.map((s) => ({ at: s.at, from: s.from, to: s.peer, type: decodeMessage(s.bytes, { fourOctetAs: true, addPathReceive: new Set(), addPathSend: new Set(), extendedMessage: false, ibgp: false }).message.type, hex: s.bytes }));
  golden('ebgp-pair', { wire, events: Object.fromEntries(lab.events) });
});

test('route reflector: the reflected UPDATE carries ORIGINATOR_ID and CLUSTER_LIST', () => {
  const all = resolvePolicyChain(['all'], {});
  const lab = new Lab();
  lab.add('rr', {
    localAsn: 65000, routerId: '10.255.0.100',
    peers: [
      { id: 'c1', address: '10.0.1.1', remoteAsn: 65000, localAddress: '10.0.1.100', routeReflectorClient: true, families: ['ipv4-unicast'], import: all, export: all },
      { id: 'c2', address: '10.0.2.2', remoteAsn: 65000, localAddress: '10.0.2.100', routeReflectorClient: true, families: ['ipv4-unicast'], import: all, export: all },
    ],
  });
  lab.add('c1', { localAsn: 65000, routerId: '10.255.0.1', peers: [{ id: 'rr', address: '10.0.1.100', remoteAsn: 65000, localAddress: '10.0.1.1', families: ['ipv4-unicast'] }] });
  lab.add('c2', { localAsn: 65000, routerId: '10.255.0.2', peers: [{ id: 'rr', address: '10.0.2.100', remoteAsn: 65000, localAddress: '10.0.2.2', families: ['ipv4-unicast'] }] });
  lab.wire('rr', 'c1', 'c1', 'rr');
  lab.wire('rr', 'c2', 'c2', 'rr');
  lab.startAll();
  lab.apply('c1', lab.speaker('c1').originate('203.0.113.0/24', { communities: [0xfde80064] }));
  const ibgp = { fourOctetAs: true, addPathReceive: new Set<never>(), addPathSend: new Set<never>(), extendedMessage: false, ibgp: true };
  const toC2 = lab.sent.filter((s) => s.from === 'rr' && s.peer === 'c2').map((s) => ({ at: s.at, message: decodeMessage(s.bytes, ibgp).message, hex: s.bytes }));
  golden('route-reflector', { toC2, eventsAtC2: lab.events.get('c2') });
});
