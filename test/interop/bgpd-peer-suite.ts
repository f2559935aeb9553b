/**
 * One interop suite, run against each real daemon (bgpd-bird/frr/gobgp/exabgp.test.ts): two
 * namespaces joined by a veth pair, flatlab bgpd (AS 65001) in one and the peer in the other,
 * an IPv4 and an IPv6 session. Checked: Established; routes both ways with AS_PATH, NEXT_HOP,
 * MED, communities and large communities as sent; withdrawal; route refresh in both
 * directions; the hold timer expiring while the peer is frozen with SIGSTOP.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RouteObservation } from '../../src/runtime/runtime.js';
import { needTools } from '../support/need-tools.js';
import { createNet, flatlabRoute, sleepMs, startFlatlabBgpd, stopAll, stopStarted, waitEstablished, waitFor, type FlatlabBgpd, type RunningDaemon, type TestNet } from '../support/daemons.js';

export const FLATLAB_AS = 65001;
/** Hold time on every session: short, so expiry is seen in seconds, and long enough for a busy 2-core CI machine. */
export const HOLD = 6;

/** What the peer announces (AS path [peer, 65010], MED 50, these communities); the second of each family is withdrawn later. */
export const PEER_ROUTES = { 4: ['203.0.113.0/24', '203.0.113.128/25'], 6: ['2001:db8:113::/48', '2001:db8:114::/48'] } as const;
export const PEER_ATTRS = { prepend: 65010, med: 50, communities: ['65010:100', '65010:200'], largeCommunities: ['65010:1:2'] } as const;
/** What flatlab announces through its control API. */
export const OUR_ROUTES = { 4: '198.51.100.0/24', 6: '2001:db8:100::/48' } as const;
const OUR_ATTRS = { med: 70, communities: [((65001 << 16) | 300) >>> 0], largeCommunities: [[65001, 3, 4]] };

export interface PeerContext {
  net: TestNet;
  dir: string;
  /** The peer's addresses and flatlab's, per family. */
  self: { 4: string; 6: string };
  flatlab: { 4: string; 6: string };
}

export interface PeerHandle {
  /** The process that speaks BGP (frozen for the hold-timer test). */
  bgp: RunningDaemon;
  /** The peer's view of a prefix learned from flatlab; [] when absent. */
  routes(prefix: string): Promise<RouteObservation[]>;
  /** Withdraw the peer's second route of each family. */
  withdrawSecond(): Promise<void>;
  /** Make the peer send ROUTE-REFRESH to flatlab (its soft reset in); a string says why this peer cannot. */
  requestRefresh: (() => Promise<void>) | string;
  /** The text of the last RFC 8203 shutdown communication the peer shows for the IPv4 session; absent when it shows none. */
  shutdownText?: () => Promise<string>;
  /** ROUTE-REFRESH messages the peer has received, over both sessions. */
  refreshesReceived(): Promise<number>;
  stop(): Promise<void>;
}

export interface PeerDriver {
  title: string;
  tools: string[];
  /** Namespaces flt-<tag>-*; link network 10.<subnet>.1.0/24 and fd00:<subnet>:1::/64. */
  tag: string;
  subnet: number;
  asn: number;
  start(ctx: PeerContext): Promise<PeerHandle>;
}

function flatlabConfig(ctx: PeerContext, peerAs: number): string {
  const peer = (name: string, f: 4 | 6) =>
    `  - { name: ${name}, address: "${ctx.self[f]}", remote-as: ${peerAs}, local-address: "${ctx.flatlab[f]}", families: [ipv${f}], import: all, export: all, hold-time: ${HOLD}, connect-retry: 1 }`;
  return `router-id: ${ctx.flatlab[4]}
asn: ${FLATLAB_AS}
listen: { address: ["${ctx.flatlab[4]}", "${ctx.flatlab[6]}"], port: 179 }
peers:
${peer('peer4', 4)}
${peer('peer6', 6)}
`;
}

const sorted = (xs: readonly string[]) => [...xs].sort();

export function describePeerInterop(driver: PeerDriver): void {
  const reason = needTools(['ip', 'node', ...driver.tools], { root: true });
  describe.skipIf(reason)(`flatlab bgpd with ${driver.title} over IPv4 and IPv6`, () => {
    let net: TestNet;
    let dir: string;
    let flatlab: FlatlabBgpd;
    let peer: PeerHandle;
    let ctx: PeerContext;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `flatlab-${driver.tag}-`));
      chmodSync(dir, 0o755); // FRR runs as user frr and must reach its directory below this one
      net = await createNet({ tag: driver.tag, subnet: driver.subnet, nodes: ['fl', 'peer'], links: [['fl', 'peer']] });
      ctx = {
        net,
        dir,
        self: { 4: net.address('peer', 'fl', 4), 6: net.address('peer', 'fl', 6) },
        flatlab: { 4: net.address('fl', 'peer', 4), 6: net.address('fl', 'peer', 6) },
      };
      // Both daemons start at once: the sessions come up as soon as the second one listens.
      [flatlab, peer] = await Promise.all([startFlatlabBgpd(net.ns('fl'), join(dir, 'fl'), flatlabConfig(ctx, driver.asn)), driver.start(ctx)]);
    }, 120_000);

    afterAll(async () => {
      await stopAll([flatlab?.daemon, peer]);
      await stopStarted();
      await net?.destroy();
      // FLATLAB_KEEP_LOGS=1 keeps the daemons' configs and logs for a look after a failure.
      if (dir && !process.env.FLATLAB_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
      else if (dir) console.warn(`logs kept in ${dir}`);
    }, 60_000);

    test('both sessions establish and the peer\'s routes arrive with its AS_PATH, NEXT_HOP, MED and communities', async () => {
      await Promise.all([waitEstablished(flatlab, 'peer4'), waitEstablished(flatlab, 'peer6')]);
      for (const f of [4, 6] as const) {
        for (const prefix of PEER_ROUTES[f]) {
          const r = await waitFor(`${prefix} from ${driver.title} in flatlab's Loc-RIB`, () => flatlabRoute(flatlab, prefix));
          expect({ prefix, from: r.from, asPath: r.asPath, nextHop: r.nextHop, med: r.med, communities: sorted(r.communities), large: r.largeCommunities }).toEqual({
            prefix,
            from: `peer${f}`,
            asPath: [driver.asn, PEER_ATTRS.prepend],
            nextHop: ctx.self[f],
            med: PEER_ATTRS.med,
            communities: sorted(PEER_ATTRS.communities),
            large: [...PEER_ATTRS.largeCommunities],
          });
        }
      }
    }, 60_000);

    test('flatlab\'s routes arrive at the peer with AS_PATH [65001], flatlab as NEXT_HOP, its MED and communities', async () => {
      for (const f of [4, 6] as const) await flatlab.post('/announce', { prefix: OUR_ROUTES[f], attributes: OUR_ATTRS });
      for (const f of [4, 6] as const) {
        const prefix = OUR_ROUTES[f];
        const [r] = await waitFor(`${prefix} at ${driver.title}`, async () => {
          const rs = await peer.routes(prefix);
          return rs.length > 0 ? rs : undefined;
        });
        expect({ prefix, asPath: r!.asPath, nextHop: r!.nextHop, med: r!.med, communities: r!.communities, large: r!.largeCommunities }).toEqual({
          prefix,
          asPath: [FLATLAB_AS],
          nextHop: ctx.flatlab[f],
          med: 70,
          communities: ['65001:300'],
          large: ['65001:3:4'],
        });
      }
    }, 60_000);

    test('withdrawals propagate both ways', async () => {
      await peer.withdrawSecond();
      for (const f of [4, 6] as const) {
        await waitFor(`${PEER_ROUTES[f][1]} withdrawn from flatlab`, async () => ((await flatlabRoute(flatlab, PEER_ROUTES[f][1])) ? undefined : true));
        expect(await flatlabRoute(flatlab, PEER_ROUTES[f][0])).toBeDefined();
      }
      await flatlab.post('/withdraw', { prefix: OUR_ROUTES[6] });
      await waitFor(`${OUR_ROUTES[6]} withdrawn at ${driver.title}`, async () => ((await peer.routes(OUR_ROUTES[6])).length === 0 ? true : undefined));
      expect((await peer.routes(OUR_ROUTES[4])).length).toBeGreaterThan(0);
    }, 60_000);

    test('route refresh: flatlab\'s soft reset in reaches the peer, and the peer\'s request is answered', async () => {
      const before = await peer.refreshesReceived();
      await flatlab.post('/neighbors/peer4/refresh', {});
      await flatlab.post('/neighbors/peer6/refresh', {});
      await waitFor(`${driver.title} receives two ROUTE-REFRESH`, async () => ((await peer.refreshesReceived()) >= before + 2 ? true : undefined));
      // The peer's table is still there afterwards (the refresh re-sent it; nothing was lost).
      expect(await flatlabRoute(flatlab, PEER_ROUTES[4][0])).toBeDefined();

      if (typeof peer.requestRefresh === 'string') {
        console.warn(`${driver.title} cannot send ROUTE-REFRESH: ${peer.requestRefresh}`);
        return;
      }
      const answered = () => flatlab.events().filter((e) => e.msg === 'route-refresh-received').map((e) => `${String(e.peer)} ${String(e.family)}`);
      const seen = answered().length;
      await peer.requestRefresh();
      await waitFor('flatlab receives the peer\'s ROUTE-REFRESH', () => (answered().length > seen ? true : undefined), { last: answered });
      expect(answered().slice(seen)).toEqual(expect.arrayContaining(['peer4 ipv4-unicast']));
      // Answered by re-sending Adj-RIB-Out: the route is still at the peer with the same attributes.
      await sleepMs(500);
      const [r] = await peer.routes(OUR_ROUTES[4]);
      expect(r?.asPath).toEqual([FLATLAB_AS]);
    }, 60_000);

    test('an administrative shutdown carries its RFC 8203 message to the peer, and enable brings the session back', async () => {
      await flatlab.post('/neighbors/peer4/shutdown', { message: 'maintenance window 42' });
      if (peer.shutdownText) {
        const shown = await waitFor(`${driver.title} shows the shutdown message`, async () => {
          const t = await peer.shutdownText!();
          return t.includes('maintenance window 42') ? t : undefined;
        });
        expect(shown).toMatch(/shutdown/i);
      } else {
        console.warn(`${driver.title} does not show a received shutdown communication; only the session going down is checked`);
      }
      await waitFor('peer4 down at flatlab', async () => ((await flatlab.get<Array<{ name: string; state: string }>>('/neighbors')).find((n) => n.name === 'peer4')?.state !== 'Established' ? true : undefined));
      await flatlab.post('/neighbors/peer4/enable', {});
      await waitEstablished(flatlab, 'peer4');
    }, 60_000);

    test(`hold timer: flatlab sends Hold Timer Expired within ${HOLD} s of ${driver.title} freezing (SIGSTOP)`, async () => {
      await Promise.all([waitEstablished(flatlab, 'peer4'), waitEstablished(flatlab, 'peer6')]);
      const sent = () => flatlab.events().filter((e) => e.msg === 'notification-sent' && e.code === 4);
      const before = sent().length;
      const t0 = Date.now();
      peer.bgp.freeze();
      try {
        await waitFor('NOTIFICATION Hold Timer Expired on both sessions', () => (sent().length >= before + 2 ? true : undefined), { timeoutMs: (HOLD + 10) * 1000, intervalMs: 100 });
        const elapsed = (Date.now() - t0) / 1000;
        // The hold timer restarts with each KEEPALIVE (every HOLD/3 s): expiry is at most HOLD s after the freeze (plus polling and a busy machine).
        expect(elapsed).toBeLessThan(HOLD + 2);
        expect(elapsed).toBeGreaterThan(HOLD / 3 - 1);
        expect(sent().slice(before).map((e) => `${String(e.peer)} ${String(e.code)}/${String(e.subcode)}`).sort()).toEqual(['peer4 4/0', 'peer6 4/0']);
        const neighbors = await flatlab.get<Array<{ name: string; state: string }>>('/neighbors');
        expect(neighbors.every((n) => n.state !== 'Established')).toBe(true);
      } finally {
        peer.bgp.thaw();
      }
    }, 60_000);
  });
}
