/** The seeded random topology of bench/generate.ts (a helper, not a benchmark: the leading _ hides it from `npm run bench`). */
import { stringify } from 'yaml';

/** mulberry32: a tiny seeded PRNG, so the benchmark topology is the same on every run. */
function prng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  const seen = new Set<string>();
  const linkList: string[][] = [];
  const add = (a: number, b: number) => {
    if (a === b) return false;
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (seen.has(key)) return false;
    seen.add(key);
    linkList.push([`r${a}`, `r${b}`]);
    return true;
  };
  // A spanning tree first (mostly inside each AS, so iBGP loopbacks are reachable), then random extra links.
  for (let i = 1; i < nodes; i++) add(i, i % 20 === 0 ? pick(i) : i - 1 - pick(Math.min(i % 20, 3)));
  for (let tries = 0; linkList.length < links && tries < links * 20; tries++) add(pick(nodes), pick(nodes));
  return stringify({ name: 'bench', addressing: { loopback: { ipv4: '10.255.0.0/16', ipv6: 'fd00:ff::/64' }, links: { ipv4: '10.0.0.0/14', ipv6: 'fd00:1::/48' } }, nodes: nodeMap, links: linkList });
}

