// flatlab bgpd takes one received chunk per turn of the event loop: while a peer streams a
// large table, timers and other sockets (the control API, other sessions) still get their
// turn. Without it libuv hands over up to 32 chunks of 64 KiB per wake-up and the daemon
// answers nothing until a whole table is in. The peer here is a raw socket in this process,
// so a callback that runs between the daemon's turns sees the Adj-RIB-In fill step by step.
import { connect, type Socket } from 'node:net';
import { afterAll, expect, test } from 'vitest';
import { BgpDaemon } from '../../../src/bgp/daemon/daemon.js';
import { parseBgpdConfig } from '../../../src/bgp/daemon/config.js';
import { BgpFramer, codecContext, decodeMessage, encodeMessage } from '../../../src/bgp/wire/index.js';
import { freePort, until } from './loopback-lab.js';

const ctx = codecContext();
const PEER_AS = 65010;
let daemon: BgpDaemon | undefined;
let peer: Socket | undefined;
afterAll(async () => {
  peer?.destroy();
  await daemon?.stop();
});

/** One UPDATE per prefix, made large (200 communities) so the stream is several MiB for few routes. */
function bulkStream(routes: number): Buffer {
  const communities = Array.from({ length: 200 }, (_, i) => ((PEER_AS << 16) | i) >>> 0);
  const messages: Uint8Array[] = [];
  for (let i = 0; i < routes; i++) {
    messages.push(encodeMessage({
      type: 'UPDATE', withdrawn: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns: [PEER_AS, 64500 + (i % 7)] }], nextHop: '127.0.0.5', communities },
      nlri: [{ prefix: `10.${(i >> 8) & 255}.${i & 255}.0/24` }],
    }, ctx));
  }
  return Buffer.concat(messages);
}

test('a peer streaming a table does not starve the event loop: the daemon takes one chunk per turn', async () => {
  const port = await freePort('127.0.0.4');
  daemon = new BgpDaemon(parseBgpdConfig(`router-id: 10.0.0.4
asn: 65001
listen: { address: [127.0.0.4], port: ${port} }
peers:
  - { name: bulk, address: 127.0.0.5, remote-as: ${PEER_AS}, local-address: 127.0.0.4, passive: true, import: all, export: none, hold-time: 90 }
`, 'bgpd.yml'));
  await daemon.start();
  const routes = 6000;
  const stream = bulkStream(routes); // ~5 MiB: about 80 chunks of 64 KiB
  expect(stream.length).toBeGreaterThan(4 << 20);

  const socket = connect({ host: '127.0.0.4', port, localAddress: '127.0.0.5', noDelay: true });
  peer = socket;
  const framer = new BgpFramer(() => ctx);
  socket.on('connect', () => socket.write(encodeMessage({ type: 'OPEN', version: 4, myAs: PEER_AS, holdTime: 90, bgpIdentifier: '10.0.0.5', capabilities: [{ code: 1, name: 'multiprotocol', afi: 1, safi: 1 }, { code: 65, name: 'four-octet-as', asn: PEER_AS }] }, ctx)));
  socket.on('data', (chunk: Buffer) => {
    for (const frame of framer.push(new Uint8Array(chunk))) if (decodeMessage(frame, ctx).message.type === 'OPEN') socket.write(encodeMessage({ type: 'KEEPALIVE' }, ctx));
  });
  await until('session Established', () => (daemon!.speaker.sessionState('bulk') === 'Established' ? true : undefined));

  // Sample the Adj-RIB-In from a callback of every turn of the loop while the stream goes in.
  const seen = new Set<number>();
  let sampling = true;
  const sample = () => {
    if (!sampling) return;
    seen.add(daemon!.speaker.adjRibIn('bulk').size);
    setImmediate(sample);
  };
  setImmediate(sample);
  socket.write(stream);
  await until('every route in', () => (daemon!.speaker.adjRibIn('bulk').size === routes ? true : undefined), 50_000);
  sampling = false;
  const partial = [...seen].filter((n) => n > 0 && n < routes);
  // One chunk per turn gives about one sample per chunk; 32 chunks per turn would give two or three.
  console.log("partial samples", partial.length);
  expect(partial.length).toBeGreaterThan(20);
}, 60_000);
