/**
 * 4-octet ASNs across a 2-octet-only speaker (RFC 6793). ExaBGP (AS 65005) with the
 * four-octet-as capability disabled peers with flatlab bgpd (AS 4200000001), which also
 * peers with BIRD 2 (AS 4200000002, 4-octet). On the ExaBGP session every 4-octet AS is
 * AS_TRANS (23456) in AS_PATH with the real numbers in AS4_PATH, in both directions:
 * - ExaBGP announces a route whose path it knows as [65005 4200000003] (it encodes AS_TRANS
 *   and AS4_PATH itself); flatlab must rebuild the path and BIRD, the third speaker, must
 *   see [4200000001 65005 4200000003];
 * - BIRD's route crosses flatlab to ExaBGP, which must receive AS_TRANS in AS_PATH and the
 *   real path in AS4_PATH (ExaBGP reports the path merged: the 4-octet numbers can only come
 *   from AS4_PATH on this session).
 *
 * Neither BIRD nor FRR can be the 2-octet transit here: BIRD's `enable as4 off` still reads
 * the peer's four-octet-as capability and rejects a 4-octet neighbour AS in its config; FRR's
 * `dont-capability-negotiate` still records the peer's capability and then ignores the
 * AS4_PATH it receives, so the real ASNs are lost (both seen with BIRD 2.0.12 / FRR 8.4.4).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { needTools } from '../support/need-tools.js';
import { createNet, flatlabRoute, startBird, startExabgp, startFlatlabBgpd, stopStarted, waitEstablished, waitFor, type Bird, type Exabgp, type FlatlabBgpd, type TestNet } from '../support/daemons.js';

const reason = needTools(['ip', 'bird', 'birdc', 'exabgp'], { root: true });
const FLATLAB_AS = 4200000001;
const BIRD_AS = 4200000002;
const EXABGP_AS = 65005;
const ORIGIN_AS = 4200000003;
const AS_TRANS = 23456;

describe.skipIf(reason)('4-octet ASNs through a 2-octet-only peer (AS_TRANS, AS4_PATH): ExaBGP without asn4, flatlab, BIRD', () => {
  let net: TestNet;
  let dir: string;
  let flatlab: FlatlabBgpd;
  let bird: Bird;
  let exabgp: Exabgp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatlab-as4-'));
    chmodSync(dir, 0o755);
    net = await createNet({ tag: 'as4', subnet: 75, nodes: ['fl', 'exa', 'bird'], links: [['fl', 'exa'], ['fl', 'bird']] });
    const a = (node: string, peer: string) => net.address(node, peer, 4);
    [flatlab, bird, exabgp] = await Promise.all([
      startFlatlabBgpd(net.ns('fl'), join(dir, 'fl'), `router-id: ${a('fl', 'exa')}
asn: ${FLATLAB_AS}
listen: { address: ["${a('fl', 'exa')}", "${a('fl', 'bird')}"], port: 179 }
peers:
  - { name: exa, address: "${a('exa', 'fl')}", remote-as: ${EXABGP_AS}, local-address: "${a('fl', 'exa')}", import: all, export: all, hold-time: 6, connect-retry: 1 }
  - { name: bird, address: "${a('bird', 'fl')}", remote-as: ${BIRD_AS}, local-address: "${a('fl', 'bird')}", import: all, export: all, hold-time: 6, connect-retry: 1 }
`),
      startBird(net.ns('bird'), join(dir, 'bird'), `router id ${a('bird', 'fl')};
protocol device {}
protocol static { ipv4; route 198.51.100.0/24 blackhole; }
protocol bgp fl {
  local ${a('bird', 'fl')} as ${BIRD_AS};
  neighbor ${a('fl', 'bird')} as ${FLATLAB_AS};
  hold time 6; connect retry time 1; error wait time 1, 5;
  ipv4 { import all; export where source = RTS_STATIC; };
}
`),
      startExabgp(net.ns('exa'), join(dir, 'exa'), `neighbor ${a('fl', 'exa')} {
  router-id ${a('exa', 'fl')};
  local-address ${a('exa', 'fl')};
  local-as ${EXABGP_AS};
  # A 2-octet speaker knows a 4-octet neighbour as AS_TRANS, the AS in its OPEN (RFC 6793 §4.1).
  peer-as ${AS_TRANS};
  hold-time 6;
  family { ipv4 unicast; }
  capability { asn4 disable; }
  api { processes [ api-commands, api-receiver ]; receive { parsed; update; } }
  static { route 203.0.113.0/24 next-hop ${a('exa', 'fl')} origin igp as-path [ ${EXABGP_AS} ${ORIGIN_AS} ]; }
}
`),
    ]);
  }, 120_000);

  afterAll(async () => {
    await stopStarted();
    await net?.destroy();
    if (dir && !process.env.FLATLAB_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.warn(`logs kept in ${dir}`);
  }, 60_000);

  test('a route from AS 4200000003 over the 2-octet session reaches flatlab and then BIRD with its real AS_PATH', async () => {
    await Promise.all([waitEstablished(flatlab, 'exa'), waitEstablished(flatlab, 'bird')]);
    const ours = await waitFor('203.0.113.0/24 in flatlab', () => flatlabRoute(flatlab, '203.0.113.0/24'));
    expect(ours.asPath).toEqual([EXABGP_AS, ORIGIN_AS]);
    const [atBird] = await waitFor('203.0.113.0/24 at BIRD', async () => {
      const rs = await bird.routes('203.0.113.0/24');
      return rs.length ? rs : undefined;
    });
    expect(atBird!.asPath).toEqual([FLATLAB_AS, EXABGP_AS, ORIGIN_AS]);
  }, 60_000);

  test('BIRD\'s route reaches the 2-octet peer with the real path, which it can only have read from AS4_PATH', async () => {
    type Received = { asn?: { peer?: number }; message?: { update?: { attribute?: Record<string, unknown>; announce?: Record<string, unknown> } } };
    const neighbor = await waitFor('198.51.100.0/24 at ExaBGP', () =>
      exabgp.received().map((m) => m.neighbor as Received | undefined).find((n) => JSON.stringify(n?.message?.update?.announce ?? {}).includes('198.51.100.0/24')),
    );
    // The session is 2-octet (ExaBGP knows flatlab as AS_TRANS), so AS_PATH carried 23456 23456: ExaBGP's JSON
    // shows the path after its own RFC 6793 §4.2.3 merge with the AS4_PATH flatlab sent.
    expect(neighbor.asn?.peer).toBe(AS_TRANS);
    expect(neighbor.message?.update?.attribute?.['as-path']).toEqual([FLATLAB_AS, BIRD_AS]);
  }, 60_000);
});
