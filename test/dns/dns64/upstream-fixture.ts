/**
 * An authoritative upstream for DNS64 tests: the Hesiod engine's sans-IO `respond` over
 * zones parsed from text, on UDP and TCP, with injected faults by owner label so the
 * resolvers under test meet SERVFAIL and REFUSED from a real socket:
 * a first label `servfail-aaaa` answers AAAA queries with SERVFAIL (A works), `servfail`
 * answers every query with SERVFAIL.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { respond } from '../../../src/dns/server/respond.js';
import { DnsTcpFramer, frameMessage } from '../../../src/dns/server/tcp-framer.js';
import { ZoneStore } from '../../../src/dns/server/zone-store.js';
import { RCODE, TYPE } from '../../../src/dns/wire/constants.js';
import { decodeMessage } from '../../../src/dns/wire/message.js';
import { MessageWriter } from '../../../src/dns/wire/writer.js';
import { parseZoneText } from '../../../src/dns/zone/model.js';

export interface UpstreamFixture {
  port: number;
  /** Queries seen, as `name type transport`. */
  log: string[];
  close(): Promise<void>;
}

export async function startUpstreamFixture(zones: ReadonlyArray<{ origin: string; text: string }>, host = '127.0.0.1', port = 0): Promise<UpstreamFixture> {
  const store = new ZoneStore(
    zones.map((z) => parseZoneText(z.text, { origin: z.origin, file: `${z.origin}.zone` })),
    { hsAlsoIn: false, now: () => new Date() },
  );
  const log: string[] = [];
  const answer = (query: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
    let fault: number | undefined;
    try {
      const m = decodeMessage(query);
      const q = m.questions[0];
      if (q) {
        log.push(`${q.name} ${q.type} ${transport}`);
        const first = q.name.split('.')[0]?.toLowerCase();
        if (first === 'servfail') fault = RCODE.SERVFAIL;
        if (first === 'servfail-aaaa' && q.type === TYPE.AAAA) fault = RCODE.SERVFAIL;
      }
      if (fault !== undefined) {
        const w = new MessageWriter();
        w.setHeader(m.header.id, 0x8000 | (m.header.flags & 0x0100) | fault);
        w.rawQuestion(m.raw.subarray(12, m.questionEnd), q?.name ?? '.');
        return w.finish();
      }
    } catch {
      // Let respond() produce its FORMERR.
    }
    return respond(query, { index: store.index, transport, nowSeconds: Math.floor(Date.now() / 1000) }).messages[0];
  };
  const tcp: Server = createServer((sock: Socket) => {
    const framer = new DnsTcpFramer();
    sock.on('data', (chunk) => {
      for (const m of framer.push(chunk)) {
        const r = answer(m, 'tcp');
        if (r) sock.write(frameMessage(r));
      }
    });
    sock.on('error', () => sock.destroy());
  });
  await new Promise<void>((resolve) => tcp.listen(port, host, () => resolve()));
  const bound = (tcp.address() as AddressInfo).port;
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (m, rinfo) => {
    const r = answer(m, 'udp');
    if (r) udp.send(r, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => udp.bind(bound, host, () => resolve()));
  return {
    port: bound,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        udp.close();
        tcp.close(() => resolve());
      }),
  };
}
