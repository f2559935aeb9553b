import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { openBatchSocket, udpBatchAvailability, type BatchHandler, type BatchSocket } from '../../../src/dns/server/udp-batch.js';

const available = udpBatchAvailability();
if (available !== true && process.env.CI) throw new Error(`CI must test native/udp-batch but ${available}`);
if (available !== true) console.warn(`skipping native/udp-batch tests: ${available}`);

const open: BatchSocket[] = [];
const clients: Socket[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const c of clients.splice(0)) c.close();
});

/** Echo with the first byte inverted, so a reply is told from its request. */
const echo: BatchHandler = (query, _peer, out) => {
  query.copy(out);
  out[0] = (query[0] ?? 0) ^ 0xff;
  return query.length;
};

function serve(host: string, port: number, handler: BatchHandler, extra: { reusePort?: boolean; onError?: (e: unknown) => void } = {}): BatchSocket {
  const s = openBatchSocket({ host, port, reusePort: extra.reusePort ?? false, handler, onError: extra.onError ?? ((e) => { throw e; }) });
  open.push(s);
  return s;
}

async function client(type: 'udp4' | 'udp6', host: string): Promise<Socket> {
  const c = createSocket(type);
  clients.push(c);
  await new Promise<void>((r) => c.bind(0, host, () => r()));
  return c;
}

/** Send every payload, then collect `want` replies (or fail after 3 s). */
function exchange(c: Socket, port: number, host: string, payloads: Buffer[], want: number): Promise<Buffer[]> {
  const got: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${got.length} of ${want} replies`)), 3000);
    c.on('message', (m) => {
      got.push(m);
      if (got.length === want) {
        clearTimeout(timer);
        resolve(got);
      }
    });
    for (const p of payloads) c.send(p, port, host);
  });
}

describe.skipIf(available !== true)('native/udp-batch', () => {
  it('answers every datagram of a burst, whatever its size', async () => {
    const s = serve('127.0.0.1', 0, echo);
    const c = await client('udp4', '127.0.0.1');
    // More than one batch (32 slots), small enough for the default socket buffers.
    const payloads = Array.from({ length: 100 }, (_, i) => Buffer.alloc(2 + ((i * 397) % 1200), i));
    const got = await exchange(c, s.address().port, '127.0.0.1', payloads, 100);
    const key = (b: Buffer) => `${b.length}:${b[b.length - 1]}`;
    expect(got.map(key).sort()).toEqual(payloads.map((p) => `${p.length}:${p[p.length - 1]}`).sort());
    for (const g of got) expect(g[0]).toBe((g[g.length - 1] ?? 0) ^ 0xff);
    c.removeAllListeners('message');
    const [big] = await exchange(c, s.address().port, '127.0.0.1', [Buffer.alloc(65000, 7)], 1);
    expect(big?.length).toBe(65000);
  });

  it('tells the handler the sender as Node would (IPv6, port), and answers it there', async () => {
    const seen: string[] = [];
    const s = serve('::1', 0, (q, peer, out) => {
      seen.push(`${peer.address} ${peer.port}`);
      return echo(q, peer, out);
    });
    const c = await client('udp6', '::1');
    await exchange(c, s.address().port, '::1', [Buffer.from('x')], 1);
    expect(seen).toEqual([`::1 ${c.address().port}`]);
    expect(s.address()).toMatchObject({ address: '::1', family: 'IPv6' });
  });

  it('sends nothing for a datagram the handler leaves unanswered or throws on, and answers the rest', async () => {
    const errors: unknown[] = [];
    const s = serve(
      '127.0.0.1',
      0,
      (q, peer, out) => {
        if (q[0] === 1) return 0;
        if (q[0] === 2) throw new Error('boom');
        return echo(q, peer, out);
      },
      { onError: (e) => errors.push(e) },
    );
    const c = await client('udp4', '127.0.0.1');
    const got = await exchange(c, s.address().port, '127.0.0.1', [Buffer.from([1]), Buffer.from([2]), Buffer.from([3])], 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map((g) => g[0])).toEqual([3 ^ 0xff]);
    expect(errors).toHaveLength(1);
  });

  it('binds exclusively unless asked to share the port with SO_REUSEPORT', async () => {
    const a = serve('127.0.0.1', 0, echo, { reusePort: true });
    const port = a.address().port;
    expect(() => serve('127.0.0.1', port, echo)).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
    const b = serve('127.0.0.1', port, echo, { reusePort: true });
    expect(b.address().port).toBe(port);
    const only = serve('127.0.0.1', 0, echo);
    expect(() => serve('127.0.0.1', only.address().port, echo, { reusePort: true })).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
  });

  it('survives a handler that closes its own socket mid-batch', async () => {
    let sock: BatchSocket | undefined;
    let calls = 0;
    sock = serve('127.0.0.1', 0, () => {
      calls += 1;
      void sock?.close();
      return 0;
    });
    const port = sock.address().port;
    const c = await client('udp4', '127.0.0.1');
    for (let i = 0; i < 5; i++) c.send(Buffer.from([i]), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(serve('127.0.0.1', port, echo).address().port).toBe(port);
  });

  it('frees the port on close', async () => {
    const s = serve('127.0.0.1', 0, echo);
    const port = s.address().port;
    await s.close();
    const again = serve('127.0.0.1', port, echo);
    expect(again.address().port).toBe(port);
  });

  it('rejects addresses that are not IP literals with a coded error', () => {
    expect(() => serve('localhost', 0, echo)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});
