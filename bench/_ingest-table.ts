/**
 * The bgpd-ingest input table, shared by bench/bgpd-ingest.ts (real daemons in namespaces) and
 * bench/bgpd-ingest-core.ts (the same bytes fed to the speaker core without sockets). Shape
 * (seeded): prefixes /19-/24 (about half /24) allocated upwards from 1.0.0.0; 1-8 prefixes per
 * attribute set; AS paths of 2-6 hops from a pool of 2000 ASNs (a third 4-octet), ORIGIN
 * mostly IGP, a MED on 30%, 0-4 communities, a large community on 10%.
 */
import type { AsPathSegment, PathAttributes } from '../src/bgp/wire/types.js';
import type { OutgoingChange } from '../src/bgp/speaker/packing.js';
import { seededRandom } from '../src/runtime/sim/random.js';

export const SENDER_AS = 65100;

export interface Table {
  changes: OutgoingChange[];
  attributeSets: number;
}

export function buildTable(n: number, seed: number, nextHop: string): Table {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd.next() * (hi - lo + 1));
  const pool = Array.from({ length: 2000 }, (_, i) => (i % 3 === 2 ? 131072 + int(0, 270000) : int(1, 64495)));
  const pick = () => pool[int(0, pool.length - 1)]!;
  const lengths = [24, 24, 24, 24, 24, 24, 23, 22, 21, 20, 19, 23, 22];
  let cursor = 0x01000000; // 1.0.0.0
  const changes: OutgoingChange[] = [];
  let sets = 0;
  while (changes.length < n) {
    const hops = int(1, 5);
    const asns = [SENDER_AS];
    for (let i = 0; i < hops; i++) asns.push(pick());
    const asPath: AsPathSegment[] = [{ type: 2, asns }];
    const communities: number[] = [];
    for (let i = int(0, 4); i > 0; i--) {
      const a = asns.find((x, j) => j > 0 && x <= 0xffff && rnd.next() < 0.5) ?? SENDER_AS;
      communities.push(((a << 16) | int(1, 999)) >>> 0);
    }
    const attributes: PathAttributes = Object.freeze({
      origin: rnd.next() < 0.85 ? 0 : 2,
      asPath,
      nextHop,
      ...(rnd.next() < 0.3 ? { med: int(0, 1000) } : {}),
      ...(communities.length ? { communities } : {}),
      ...(rnd.next() < 0.1 ? { largeCommunities: [[SENDER_AS, int(1, 100), int(1, 1000)] as [number, number, number]] } : {}),
    });
    sets++;
    for (let k = int(1, 8); k > 0 && changes.length < n; k--) {
      const len = lengths[int(0, lengths.length - 1)]!;
      const size = 2 ** (32 - len);
      cursor = Math.ceil(cursor / size) * size;
      // 10/8 holds the bench's link networks; 127/8 is loopback. Unicast space ends at 224.0.0.0.
      if (cursor >= 0x0a000000 && cursor < 0x0b000000) cursor = 0x0b000000;
      if (cursor >= 0x7f000000 && cursor < 0x80000000) cursor = 0x80000000;
      if (cursor + size > 0xe0000000) throw new Error(`${n} prefixes do not fit in unicast IPv4 space`);
      changes.push({ prefix: `${cursor >>> 24}.${(cursor >>> 16) & 255}.${(cursor >>> 8) & 255}.${cursor & 255}/${len}`, attributes });
      cursor += size;
    }
  }
  return { changes, attributeSets: sets };
}
