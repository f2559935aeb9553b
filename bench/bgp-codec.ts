/**
 * bench/bgp-codec: encode and decode rates for realistic UPDATEs (issue 4): AS paths of 3-8
 * ASNs, 0-4 communities, one large community, 1-100 prefixes per message, IPv4 in the classic
 * NLRI field and IPv6 in MP_REACH. Prints messages/s and prefixes/s per CPU second (of the
 * fastest round over all messages). Then the receive side of bench/bgpd-ingest alone: the
 * same 100k-prefix stream framed from 64 KiB chunks and decoded, in CPU seconds (the share of
 * the core ingest that is wire decoding). Writes bench/results/bgp-codec.json. The daemon
 * benchmark compares whole daemons with BIRD.
 *
 *   npm run bench -- bgp-codec [MESSAGES] [SECONDS]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packUpdates } from '../src/bgp/speaker/packing.js';
import { BgpFramer, codecContext, decodeMessage, encodeMessage, endOfRib, type UpdateMessage } from '../src/bgp/wire/index.js';
import { seededRandom } from '../src/runtime/sim/random.js';
import { buildTable } from './_ingest-table.js';

const count = Number(process.argv[2] ?? 2000);
const seconds = Number(process.argv[3] ?? 3);
const rand = seededRandom(7);
const int = (n: number) => Math.floor(rand.next() * n);

function update(i: number): UpdateMessage {
  const v6 = i % 4 === 3;
  // An empty COMMUNITIES attribute is malformed (RFC 7606 §7.8): 0 communities means none at all.
  const communities = Array.from({ length: int(5) }, () => (((64512 & 0xffff) << 16) | int(65536)) >>> 0);
  const n = 1 + int(100);
  const asns = Array.from({ length: 3 + int(6) }, () => 64512 + int(60000));
  const prefixes = Array.from({ length: n }, (_, k) => {
    const x = i * 100 + k;
    return v6 ? { prefix: `2001:db8:${((x >> 8) & 0xffff).toString(16)}:${((x & 0xff) << 8).toString(16)}::/56` } : { prefix: `${10 + (x >> 16)}.${(x >> 8) & 255}.${x & 255}.0/24` };
  });
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: {
      origin: 0,
      asPath: [{ type: 2, asns }],
      ...(v6 ? { mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: prefixes } } : { nextHop: '192.0.2.1' }),
      med: int(1000),
      ...(communities.length ? { communities } : {}),
      largeCommunities: [[asns[0]!, int(1000), int(1000)]],
    },
    nlri: v6 ? [] : prefixes,
  };
}

const ctx = codecContext({ ibgp: false });
const messages = Array.from({ length: count }, (_, i) => update(i));
const prefixesPerRound = messages.reduce((s, m) => s + m.nlri.length + (m.attributes.mpReach?.nlri.length ?? 0), 0);
const encoded = messages.map((m) => encodeMessage(m, ctx));
const bytesPerRound = encoded.reduce((s, b) => s + b.length, 0);

/**
 * Rounds over all messages for about `seconds`; the rate comes from the CPU time of the fastest
 * round (process.cpuUsage), which on a shared machine moves far less than wall time.
 */
function measure(fn: () => void): { rounds: number; seconds: number } {
  fn(); // warm up
  const t0 = performance.now();
  let best = Infinity;
  while (performance.now() - t0 < seconds * 1000) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return { rounds: 1, seconds: best };
}

const enc = measure(() => {
  for (const m of messages) encodeMessage(m, ctx);
});
const dec = measure(() => {
  for (const b of encoded) decodeMessage(b, ctx);
});
// The bgpd-ingest input (same table, seed and packing as bench/bgpd-ingest-core), framed and decoded.
const INGEST_PREFIXES = 100_000;
const ingestCtx = codecContext();
const ingestStream = Buffer.concat([...packUpdates('ipv4-unicast', buildTable(INGEST_PREFIXES, 1, '10.0.0.1').changes, ingestCtx).map((u) => encodeMessage(u, ingestCtx)), encodeMessage(endOfRib(1, 1), ingestCtx)]);
const ingest = measure(() => {
  const framer = new BgpFramer(() => ingestCtx);
  for (let at = 0; at < ingestStream.length; at += 65536) {
    for (const m of framer.push(Uint8Array.prototype.slice.call(ingestStream, at, at + 65536))) decodeMessage(m, ingestCtx);
  }
});
const rate = (r: { rounds: number; seconds: number }, per: number) => Math.round((r.rounds * per) / r.seconds);
const result = {
  messages: count,
  prefixesPerMessage: Number((prefixesPerRound / count).toFixed(1)),
  bytesPerMessage: Math.round(bytesPerRound / count),
  encode: { messagesPerSecond: rate(enc, count), prefixesPerSecond: rate(enc, prefixesPerRound), mbPerSecond: Number(((enc.rounds * bytesPerRound) / enc.seconds / 1e6).toFixed(1)) },
  decode: { messagesPerSecond: rate(dec, count), prefixesPerSecond: rate(dec, prefixesPerRound), mbPerSecond: Number(((dec.rounds * bytesPerRound) / dec.seconds / 1e6).toFixed(1)) },
  ingestDecode: { prefixes: INGEST_PREFIXES, bytes: ingestStream.length, cpuSeconds: Number(ingest.seconds.toFixed(4)) },
  node: process.version,
};
console.table({ encode: result.encode, decode: result.decode });
console.log(`bgpd-ingest stream (${INGEST_PREFIXES.toLocaleString('en')} prefixes, ${ingestStream.length.toLocaleString('en')} bytes) framed and decoded: ${result.ingestDecode.cpuSeconds} CPU s`);
const out = join(dirname(new URL(import.meta.url).pathname), 'results', 'bgp-codec.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`${count} UPDATEs, ${result.prefixesPerMessage} prefixes and ${result.bytesPerMessage} bytes each on average; wrote ${out}`);
