import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDns64CliConfig, runDns64 } from '../../src/cli/dns64.js';
import { memoryIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { formatIpv6 } from '../../src/dns/dns64/ip-bytes.js';
import { upstreamAnswer } from '../../src/dns/dns64/upstream-answer.js';
import type { Dns64Daemon } from '../../src/dns/server/dns64-daemon.js';
import { buildUpstreamQuery, networkExchange } from '../../src/dns/server/dns64-upstream.js';
import { TYPE } from '../../src/dns/wire/constants.js';
import { startUpstreamFixture, type UpstreamFixture } from '../dns/dns64/upstream-fixture.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fl-dns64-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flatlab dns64: input errors, config file and --manifest', () => {
  it('prints the module manifest', async () => {
    const io = memoryIO();
    expect(await main(['dns64', '--manifest', '--http', '127.0.0.1:8054'], io)).toBe(0);
    expect(JSON.parse(io.text().stdout)).toMatchObject({ module: 'flatlab-dns64', layer: 'naming', provides: ['dns64', 'dns-recursive'], health_endpoint: 'http://127.0.0.1:8054/health' });
  });

  it('exits 2 without an upstream, or with a prefix RFC 6052 does not allow', async () => {
    let io = memoryIO();
    expect(await main(['dns64'], io)).toBe(2);
    expect(io.text().stderr).toContain('[dns64.no-upstream]');
    io = memoryIO();
    expect(await main(['dns64', '--upstream', '127.0.0.1', '--prefix', '64:ff9b::/80'], io)).toBe(2);
    expect(io.text().stderr).toMatch(/RFC 6052 §2.2 allows only \/32, \/40, \/48, \/56, \/64, \/96 \[dns64.bad-prefix-length\]/);
    io = memoryIO();
    expect(await main(['dns64', '--upstream', 'resolver.example'], io)).toBe(2);
    expect(io.text().stderr).toContain('[dns.bad-endpoint]');
    io = memoryIO();
    expect(await main(['dns64', '--upstream', '127.0.0.1', '--exclude-ipv4', '10.0.0.1/8'], io)).toBe(2);
    expect(io.text().stderr).toContain('is not an IPv4 prefix');
  });

  it('reports every config file error with file:line:col', async () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, ['upstream: [127.0.0.1, "nope"]', 'prefix:', '  - 64:ff9b::/96', '  - { prefix: "2001:db8::/80" }', 'exclude-private: yes-please', 'lisen: 127.0.0.1:53', ''].join('\n'));
    const io = memoryIO();
    expect(await main(['dns64', '--config', file], io)).toBe(2);
    const err = io.text().stderr;
    expect(err).toMatch(/bad\.yml:5:\d+: exclude-private: expected boolean/);
    expect(err).toMatch(/bad\.yml:6:1: unknown key "lisen".*did you mean "listen"/);
    const semantic = join(dir, 'semantic.yml');
    writeFileSync(semantic, ['upstream: [127.0.0.1, "nope"]', 'prefix:', '  - 64:ff9b::/96', '  - { prefix: "2001:db8::/80" }', 'exclude-ipv4: [10.0.0.0/8, 300.0.0.0/8]', ''].join('\n'));
    const io2 = memoryIO();
    expect(await main(['dns64', '--config', semantic], io2)).toBe(2);
    const err2 = io2.text().stderr;
    expect(err2).toMatch(/semantic\.yml:1:\d+: upstream "nope" is not ADDR:PORT/);
    expect(err2).toMatch(/semantic\.yml:4:\d+: .*RFC 6052/);
    expect(err2).toMatch(/semantic\.yml:5:\d+: exclude-ipv4 "300.0.0.0\/8"/);
  });

  it('takes flags over the file, and the file over defaults', async () => {
    const file = join(dir, 'ok.yml');
    writeFileSync(file, ['upstream: 192.0.2.53', 'prefix:', '  - 64:ff9b::/96', '  - { prefix: "2001:db8:64::/64", mapped-in: [198.51.100.0/24] }', 'exclude-private: true', 'listen: ["[::1]:5300"]', 'synthesize-on-error: true', ''].join('\n'));
    const cfg = await buildDns64CliConfig({ config: file, listen: ['127.0.0.1:5301'] });
    expect(cfg.upstreams).toEqual([{ host: '192.0.2.53', port: 53 }]);
    expect(cfg.listen).toEqual([{ host: '127.0.0.1', port: 5301 }]);
    expect(cfg.policy.prefixes.map((p) => [p.prefix.text, p.mappedIn.map((m) => m.text)])).toEqual([['64:ff9b::/96', []], ['2001:db8:64::/64', ['198.51.100.0/24']]]);
    expect(cfg.policy.excludeIpv4.map((r) => r.text)).toContain('10.0.0.0/8');
    expect(cfg.policy.synthesizeOnError).toBe(true);
    const flagsWin = await buildDns64CliConfig({ config: file, prefix: ['64:ff9b:1::/48'], ipv4onlyArpa: false });
    expect(flagsWin.policy.prefixes.map((p) => p.prefix.text)).toEqual(['64:ff9b:1::/48']);
    expect(flagsWin.policy.ipv4onlyArpa).toBe(false);
  });
});

describe('flatlab dns64: serving until a signal', () => {
  let upstream: UpstreamFixture;
  beforeAll(async () => {
    upstream = await startUpstreamFixture([{ origin: 'lab.example', text: '$ORIGIN lab.example.\n$TTL 600\n@ IN SOA ns1 h 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\nweb IN A 192.0.2.80\n' }]);
  });
  afterAll(async () => upstream?.close());

  it('answers a synthesized AAAA, then stops on SIGTERM with exit 0', async () => {
    const io = memoryIO();
    const signals = new EventEmitter();
    let daemon: Dns64Daemon | undefined;
    const exit = runDns64({ upstream: [`127.0.0.1:${upstream.port}`], listen: ['127.0.0.1:0'], prefix: ['64:ff9b:1::/48'], logQueries: true }, io, { signals, onReady: (d) => (daemon = d) });
    for (let i = 0; i < 100 && !daemon; i++) await new Promise((r) => setTimeout(r, 20));
    expect(io.text().stdout).toMatch(/listening dns udp\+tcp 127\.0\.0\.1:\d+/);
    const q = buildUpstreamQuery({ name: 'web.lab.example', type: TYPE.AAAA, class: 1, dnssecOk: false, checkingDisabled: false }, 3, 1232);
    const m = await networkExchange.udp({ host: '127.0.0.1', port: daemon!.dns.udp[0]!.port }, q, 3000);
    expect(upstreamAnswer(m!).answer.map((r) => formatIpv6(r.rdata))).toEqual(['64:ff9b:1:c000:2:5000::']);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exit).toBe(0);
    expect(io.text().stderr).toContain('"outcome":"synthesized"');
  });
});
