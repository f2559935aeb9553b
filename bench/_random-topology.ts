/** The seeded random topology of bench/generate.ts (a helper, not a benchmark: the leading _ hides it from `npm run bench`). */
import { stringify } from 'yaml';
import { seededRandom } from '../src/runtime/sim/random.js';
import { linkSet } from '../test/support/link-set.js';

/** The sim runtime's seeded generator, so every run sees the same data. */
function prng(s: number): () => number {
  const r = seededRandom(s);
  return () => r.next();
}

/** 50 ASes of 20 routers (BIRD, FRR, GoBGP, flatlab bgpd in turn), one in ten nodes a plain host; connected. */
export function randomTopology(nodes: number, links: number, s: number): string {
  const rand = prng(s);
  const pick = (n: number) => Math.floor(rand() * n);
  const daemonKinds = ['bird', 'frr', 'gobgp', 'flatlab-bgpd'];
  const nodeMap: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < nodes; i++) {
    nodeMap[`r${i}`] = i % 10 === 9 ? { kind: 'linux' } : { kind: daemonKinds[i % daemonKinds.length], asn: 64512 + Math.floor(i / 20) };
  }
  const { links: linkList, add } = linkSet();
  // A spanning tree first (mostly inside each AS, so iBGP loopbacks are reachable), then random extra links.
  for (let i = 1; i < nodes; i++) add(i, i % 20 === 0 ? pick(i) : i - 1 - pick(Math.min(i % 20, 3)));
  for (let tries = 0; linkList.length < links && tries < links * 20; tries++) add(pick(nodes), pick(nodes));
  return stringify({ name: 'bench', addressing: { loopback: { ipv4: '10.255.0.0/16', ipv6: 'fd00:ff::/64' }, links: { ipv4: '10.0.0.0/14', ipv6: 'fd00:1::/48' } }, nodes: nodeMap, links: linkList });
}

