import { connect, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DnsMetrics } from '../../../src/dns/server/dns-metrics.js';
import { startDnsServer, type DnsServer, type DnsServerOptions } from '../../../src/dns/server/dns-server.js';
import { buildQuery, exchangeUdp, queryServer } from '../../../src/dns/server/query-client.js';
import { DnsTcpFramer, frameMessage } from '../../../src/dns/server/tcp-framer.js';
import { ZoneStore } from '../../../src/dns/server/zone-store.js';
import { CLASS, TYPE } from '../../../src/dns/wire/constants.js';
import { decodeMessage } from '../../../src/dns/wire/message.js';
import { udpBatchAvailability } from '../../../src/dns/server/udp-batch.js';
import { hesiodZone, JDOE_PASSWD, ORIGIN } from './zone-fixture.js';

/** Both UDP socket kinds run every test; the batched one needs native/udp-batch built (CI: required). */
const batch = udpBatchAvailability();
if (batch !== true && process.env.CI) throw new Error(`CI must test batched UDP but ${batch}`);
if (batch !== true) console.warn(`skipping batched UDP tests: ${batch}`);
const UDP_IO = batch === true ? (['dgram', 'batch'] as const) : (['dgram'] as const);
let udpIo: DnsServerOptions['udpIo'] = 'dgram';

let server: DnsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(extra: Partial<DnsServerOptions> = {}) {
  const metrics = new DnsMetrics();
  const store = new ZoneStore([hesiodZone()], { now: () => new Date(0) });
  server = await startDnsServer({ listen: [{ host: '127.0.0.1', port: 0 }, { host: '::1', port: 0 }], store, metrics, udpIo, ...extra });
  return { metrics, store, port: server.udp[0]!.port, port6: server.udp[1]!.port };
}

function tcpConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

function closed(s: Socket): Promise<void> {
  return new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));
}

const q = (id: number) => buildQuery(`jdoe.passwd.${ORIGIN}`, TYPE.TXT, CLASS.HS, { id });

describe.each(UDP_IO)('DNS server sockets (UDP through %s)', (io) => {
  beforeAll(() => {
    udpIo = io;
  });

  it('answers over UDP and TCP on IPv4 and IPv6', async () => {
    const { port, port6 } = await start();
    expect((await queryServer({ host: '127.0.0.1', port }, `jdoe.passwd.${ORIGIN}`, TYPE.TXT, CLASS.HS)).answers).toHaveLength(1);
    expect((await queryServer({ host: '::1', port: port6 }, `jdoe.passwd.${ORIGIN}`, TYPE.TXT, CLASS.IN, { tcp: true })).answers).toHaveLength(1);
  });

  it('answers pipelined TCP queries sent in one write, each split anywhere', async () => {
    const { port, metrics } = await start();
    const s = await tcpConnect(port);
    const framer = new DnsTcpFramer();
    const ids: number[] = [];
    const done = new Promise<void>((resolve) =>
      s.on('data', (c) => {
        for (const m of framer.push(c)) ids.push(decodeMessage(m).header.id);
        if (ids.length === 5) resolve();
      }),
    );
    const stream = Buffer.concat([1, 2, 3, 4, 5].map((i) => frameMessage(q(i))));
    s.write(stream.subarray(0, 7));
    await new Promise((r) => setTimeout(r, 20));
    s.write(stream.subarray(7));
    await done;
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect(metrics.snapshot().tcpAccepted).toBe(1);
    s.destroy();
  });

  it('closes idle TCP connections after the timeout', async () => {
    // The server's clock starts at accept, ours after connect: leave room for a busy machine.
    const { port } = await start({ tcpIdleTimeoutMs: 400 });
    const s = await tcpConnect(port);
    const t0 = Date.now();
    await closed(s);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('closes a connection after the per-connection query limit', async () => {
    const { port } = await start({ maxQueriesPerConnection: 2 });
    const s = await tcpConnect(port);
    const framer = new DnsTcpFramer();
    let answers = 0;
    s.on('data', (c) => (answers += framer.push(c).length));
    s.write(Buffer.concat([1, 2, 3].map((i) => frameMessage(q(i)))));
    await closed(s);
    expect(answers).toBe(2);
  });

  it('refuses connections above the limit and counts them', async () => {
    const { port, metrics } = await start({ maxTcpConnections: 1 });
    const first = await tcpConnect(port);
    const second = await tcpConnect(port);
    await closed(second);
    expect(first.destroyed).toBe(false);
    expect(metrics.snapshot().tcpRefused).toBe(1);
    first.destroy();
  });

  it('stays up after garbage and answers the next query; counts what it answered', async () => {
    const { port, metrics } = await start();
    await expect(exchangeUdp({ host: '127.0.0.1', port }, Buffer.from([1, 2, 3]), 100, 1)).rejects.toThrow(/no answer/);
    const r = await exchangeUdp({ host: '127.0.0.1', port }, q(9), 1000, 2);
    expect(r.header.id).toBe(9);
    expect(Object.values(metrics.snapshot().queries).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('after a reload a cached name answers with the new data, and a failed reload keeps the old', async () => {
    const { port, store } = await start();
    const ask = async (id: number) => {
      const r = await exchangeUdp({ host: '127.0.0.1', port }, q(id), 1000, 2);
      expect(r.header.id).toBe(id);
      // One TXT character-string each: a length byte, then the text.
      return r.answers.map((a) => a.rdata.subarray(1, 1 + (a.rdata[0] ?? 0)).toString());
    };
    expect(await ask(1)).toEqual([JDOE_PASSWD]);
    expect(await ask(2)).toEqual([JDOE_PASSWD]); // now from the response cache
    expect(store.cache.size).toBeGreaterThan(0);
    const changed = hesiodZone();
    const newLine = 'jdoe:*:1001:1001:Jane Doe-Smith:/home/jdoe:/bin/zsh';
    changed.records = changed.records.map((r) => (r.name.startsWith('jdoe.passwd.') ? { ...r, data: [Buffer.from(newLine)] } : r));
    expect((await store.reload(async () => [changed])).ok).toBe(true);
    expect(await ask(3)).toEqual([newLine]);
    expect((await store.reload(async () => Promise.reject(new Error('broken zone')))).ok).toBe(false);
    expect(await ask(4)).toEqual([newLine]);
  });

  it('answers many datagrams that arrive together, each with its own ID', async () => {
    const { port } = await start();
    const { createSocket } = await import('node:dgram');
    const sock = createSocket('udp4');
    const ids = new Set<number>();
    const done = new Promise<void>((resolve) =>
      sock.on('message', (m) => {
        ids.add(m.readUInt16BE(0));
        if (ids.size === 100) resolve();
      }),
    );
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    for (let i = 0; i < 100; i++) sock.send(q(1000 + i), port, '127.0.0.1');
    try {
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${ids.size} of 100 answered`)), 5000))]);
    } finally {
      sock.close();
    }
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));
  });

  it('matches the reply to a query that carries an EDNS OPT record (the reply has its own OPT)', async () => {
    const { port } = await start();
    const plain = q(11);
    const withOpt = Buffer.concat([plain, Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0])]);
    withOpt.writeUInt16BE(1, 10); // ARCOUNT
    const r = await exchangeUdp({ host: '127.0.0.1', port }, withOpt, 1000, 1);
    expect(r.header.id).toBe(11);
    expect(r.answers).toHaveLength(1);
  });
});

describe.each(UDP_IO)('listen errors (UDP through %s)', (io) => {
  it('a port in use is a typed error naming the address, with a hint', async () => {
    udpIo = io;
    const { port } = await start();
    await expect(
      startDnsServer({ listen: [{ host: '127.0.0.1', port }], store: new ZoneStore([hesiodZone()], { now: () => new Date(0) }), metrics: new DnsMetrics(), udpIo: io }),
    ).rejects.toMatchObject({ code: 'dns.listen-failed', message: expect.stringContaining(`127.0.0.1:${port}: EADDRINUSE`), hint: expect.stringContaining('another process') });
  });

  it('a UDP port in use (TCP free) is the same typed error', async () => {
    const { createSocket } = await import('node:dgram');
    const taken = createSocket('udp4');
    await new Promise<void>((r) => taken.bind({ address: '127.0.0.1', port: 0 }, () => r()));
    const port = taken.address().port;
    try {
      await expect(startDnsServer({ listen: [{ host: '127.0.0.1', port }], store: new ZoneStore([hesiodZone()], { now: () => new Date(0) }), metrics: new DnsMetrics(), udpIo: io })).rejects.toMatchObject({
        code: 'dns.listen-failed',
        message: expect.stringContaining(`udp 127.0.0.1:${port}: EADDRINUSE`),
      });
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });
});
