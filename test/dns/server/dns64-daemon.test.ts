/**
 * The daemon on loopback sockets against an in-process authoritative upstream: UDP and TCP
 * answers, TCP fallback towards the upstream, the cache and in-flight sharing, and the
 * observation endpoints.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIpv6 } from '../../../src/dns/dns64/ip-bytes.js';
import { upstreamAnswer } from '../../../src/dns/dns64/upstream-answer.js';
import { buildDns64Config } from '../../../src/dns/server/dns64-config.js';
import { dns64Manifest, startDns64Daemon, type Dns64Daemon } from '../../../src/dns/server/dns64-daemon.js';
import { buildUpstreamQuery, networkExchange } from '../../../src/dns/server/dns64-upstream.js';
import { FLAG, RCODE, TYPE } from '../../../src/dns/wire/constants.js';
import { startUpstreamFixture, type UpstreamFixture } from '../dns64/upstream-fixture.js';

const ZONE = `$ORIGIN lab.example.
$TTL 3600
@ IN SOA ns1 hostmaster ( 1 3600 600 86400 120 )
@ IN NS ns1
ns1 IN A 127.0.0.1
web 300 IN A 192.0.2.80
${Array.from({ length: 90 }, (_, i) => `many IN A 192.0.2.${i + 1}`).join('\n')}
`;

describe('dns64 daemon on loopback', () => {
  let upstream: UpstreamFixture;
  let daemon: Dns64Daemon;
  let port: number;
  let now = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    upstream = await startUpstreamFixture([{ origin: 'lab.example', text: ZONE }]);
    const cfg = buildDns64Config({ upstream: [`127.0.0.1:${upstream.port}`], listen: ['127.0.0.1:0'], http: '127.0.0.1:0' }, {}, 'test');
    daemon = await startDns64Daemon(cfg, { logger: pino({ level: 'silent' }), nowMs: () => now });
    port = daemon.dns.udp[0]!.port;
  });
  afterAll(async () => {
    await daemon?.close();
    await upstream?.close();
  });

  const ask = async (name: string, type: number, tcp = false) => {
    const q = buildUpstreamQuery({ name, type, class: 1, dnssecOk: false, checkingDisabled: false }, 99, 1232);
    const m = tcp ? await networkExchange.tcp({ host: '127.0.0.1', port }, q, 5000) : await networkExchange.udp({ host: '127.0.0.1', port }, q, 5000);
    if (!m) throw new Error('no answer');
    return m;
  };

  it('synthesizes over UDP, then answers from the cache with counted-down TTLs', async () => {
    const first = upstreamAnswer(await ask('web.lab.example', TYPE.AAAA));
    expect(first.answer.map((r) => [formatIpv6(r.rdata), r.ttl])).toEqual([['64:ff9b::c000:250', 120]]);
    const asked = upstream.log.length;
    now += 5_000;
    const again = upstreamAnswer(await ask('web.lab.example', TYPE.AAAA));
    expect(again.answer[0]?.ttl).toBe(115);
    expect(upstream.log.length).toBe(asked);
  });

  it('shares one upstream fetch among concurrent identical queries', async () => {
    const before = upstream.log.filter((l) => l.startsWith('web2')).length;
    expect(before).toBe(0);
    await Promise.all(Array.from({ length: 5 }, () => ask('web2.lab.example', TYPE.AAAA)));
    expect(upstream.log.filter((l) => l.startsWith('web2.lab.example 28')).length).toBe(1);
  });

  it('falls back to TCP towards the upstream on TC, truncates to the client over UDP, answers in full over TCP', async () => {
    const udp = await ask('many.lab.example', TYPE.AAAA);
    expect(udp.header.flags & FLAG.TC).toBeTruthy();
    expect(upstream.log).toContain('many.lab.example 1 tcp');
    const tcp = upstreamAnswer(await ask('many.lab.example', TYPE.AAAA, true));
    expect(tcp.answer).toHaveLength(90);
  });

  it('serves /health, /metrics and /manifest', async () => {
    const base = `http://127.0.0.1:${daemon.http!.address().port}`;
    const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', module: 'flatlab-dns64', prefixes: ['64:ff9b::/96'], upstreams: [`127.0.0.1:${upstream.port}`] });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/flatlab_dns64_answers_total\{outcome="synthesized"\} [1-9]/);
    expect(metrics).toMatch(/flatlab_dns64_upstream_exchanges_total\{result="ok",transport="tcp"\} [1-9]/);
    expect(metrics).toMatch(/flatlab_dns_queries_total\{qclass="IN",qtype="AAAA",rcode="NOERROR",transport="udp"\} [1-9]/);
    const manifest = await (await fetch(`${base}/manifest`)).json();
    expect(manifest).toEqual(dns64Manifest('test', { host: '127.0.0.1', port: daemon.http!.address().port }));
    expect(manifest).toMatchObject({ module: 'flatlab-dns64', health_endpoint: `${base}/health` });
  });

  it('answers SERVFAIL when the upstream is gone, and /health says degraded', async () => {
    const cfg = buildDns64Config({ upstream: ['127.0.0.1:9'], listen: ['127.0.0.1:0'], timeoutMs: 50, rounds: 1 }, {}, 'test');
    const lonely = await startDns64Daemon(cfg, { logger: pino({ level: 'silent' }) });
    try {
      const q = buildUpstreamQuery({ name: 'web.lab.example', type: TYPE.A, class: 1, dnssecOk: false, checkingDisabled: false }, 5, 1232);
      const m = await networkExchange.udp({ host: '127.0.0.1', port: lonely.dns.udp[0]!.port }, q, 5000);
      expect((m!.header.flags & 0xf)).toBe(RCODE.SERVFAIL);
      expect(lonely.health().status).toBe('degraded');
    } finally {
      await lonely.close();
    }
  });
});
