/**
 * `flatlab dns64` against the DNS64 of Unbound (module-config "dns64 iterator") and BIND
 * named (`dns64` option), all forwarding the same zones to one authoritative upstream on
 * loopback. Each case names the references flatlab must equal, and the ones known to
 * differ with the reason (asserted too, so a change in a reference shows up here).
 * docs/dns64.md has the same table in prose.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from '../../src/dns/dns64/ip-bytes.js';
import { rdataName, upstreamAnswer, type Rr } from '../../src/dns/dns64/upstream-answer.js';
import { buildDns64Config } from '../../src/dns/server/dns64-config.js';
import { startDns64Daemon, type Dns64Daemon } from '../../src/dns/server/dns64-daemon.js';
import { buildUpstreamQuery, networkExchange } from '../../src/dns/server/dns64-upstream.js';
import { FLAG, rcodeName, TYPE, typeName } from '../../src/dns/wire/constants.js';
import { rcodeOf } from '../../src/dns/wire/message.js';
import { freePort, startNamed, startUnbound, type RunningReference } from '../dns/dns64/reference-resolvers.js';
import { startUpstreamFixture, type UpstreamFixture } from '../dns/dns64/upstream-fixture.js';
import { needTools } from '../support/need-tools.js';

const reason = needTools(['unbound', 'named']);

const BIG = Array.from({ length: 100 }, (_, i) => `big IN A 192.0.2.${100 + i}`).join('\n');
export const LAB_ZONE = `$ORIGIN lab.example.
$TTL 3600
@ IN SOA ns1 hostmaster ( 1 3600 600 86400 120 )
@ IN NS ns1
ns1 IN A 127.0.0.1
v4only 300 IN A 192.0.2.33
v4multi 60 IN A 192.0.2.34
v4multi 60 IN A 192.0.2.35
dual IN A 192.0.2.44
dual IN AAAA 2001:db8::44
v6only IN AAAA 2001:db8::45
txtonly IN TXT "no addresses here"
txt2 IN TXT "no addresses either"
mapped IN A 192.0.2.50
mapped IN AAAA ::ffff:192.0.2.50
mixedmapped IN A 192.0.2.51
mixedmapped IN AAAA ::ffff:192.0.2.51
mixedmapped IN AAAA 2001:db8::51
alias IN CNAME alias2
alias2 IN CNAME v4chain
v4chain 300 IN A 192.0.2.60
aliasdual IN CNAME dual2
dual2 IN A 192.0.2.61
dual2 IN AAAA 2001:db8::61
aliasnx IN CNAME missing
aliasnodata IN CNAME txt2
private IN A 10.1.2.3
private2 IN A 10.1.2.4
mixedprivate IN A 10.1.2.5
mixedprivate IN A 192.0.2.65
wkpaaaa IN A 192.0.2.70
wkpaaaa IN AAAA 64:ff9b::c000:270
wkpaaaa2 IN A 192.0.2.71
wkpaaaa2 IN AAAA 64:ff9b::c000:271
servfail-aaaa IN A 192.0.2.80
servfail IN A 192.0.2.81
v4docd IN A 192.0.2.90
v4cd IN A 192.0.2.91
v4do IN A 192.0.2.92
v4a IN A 192.0.2.93
nsp IN A 192.0.2.94
${BIG}
`;
export const REVERSE_ZONE = `$ORIGIN 2.0.192.in-addr.arpa.
$TTL 3600
@ IN SOA ns1.lab.example. hostmaster.lab.example. ( 1 3600 600 86400 120 )
@ IN NS ns1.lab.example.
33 IN PTR v4only.lab.example.
94 IN PTR nsp.lab.example.
`;

const STRICT_PREFIX = '2001:db8:64::/64';
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

type Ref = 'unbound' | 'named';
/** `rfc`: the default prefix with synthesize-on-error (RFC 6147 §5.1.2); its references are the default ones. */
type Config = 'default' | 'strict' | 'rfc';

interface Norm {
  rcode: string;
  tc: boolean;
  /** `owner TYPE data`, sorted. */
  answer: string[];
  ttls: Map<string, number>;
  /** `owner TYPE`, sorted. */
  authority: string[];
}

interface Case {
  id: string;
  name: string;
  type: 'A' | 'AAAA' | 'PTR' | 'TXT';
  config: Config;
  dnssecOk?: boolean;
  checkingDisabled?: boolean;
  tcp?: boolean;
  /** References whose answer flatlab must equal. */
  agree: Ref[];
  /** References known to answer differently, and why (asserted to differ). */
  differ?: Partial<Record<Ref, string>>;
  /** Compare everything but TTLs with the `agree` references, for this reason. */
  ignoreTtl?: string;
  /** What flatlab must answer, whatever the references do. */
  expect: (r: Norm) => void;
}

const aaaa = (owner: string, addr: string) => `${owner} AAAA ${addr}`;
const has = (...lines: string[]) => (r: Norm) => {
  expect(r.rcode).toBe('NOERROR');
  expect(r.answer).toEqual([...lines].sort());
};
const nodata = (r: Norm) => {
  expect(r.rcode).toBe('NOERROR');
  expect(r.answer).toEqual([]);
  expect(r.authority).toContain('lab.example SOA');
};

const CASES: Case[] = [
  { id: 'a-only', name: 'v4only.lab.example', type: 'AAAA', config: 'default', agree: ['named'], differ: { unbound: 'Unbound keeps the A TTL (300) instead of min(A TTL, SOA TTL) = 120 (RFC 6147 §5.1.7)' }, expect: (r) => { has(aaaa('v4only.lab.example', '64:ff9b::c000:221'))(r); expect(r.ttls.get(aaaa('v4only.lab.example', '64:ff9b::c000:221'))).toBe(120); } },
  { id: 'a-only-two-records-ttl-below-soa', name: 'v4multi.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: (r) => { has(aaaa('v4multi.lab.example', '64:ff9b::c000:222'), aaaa('v4multi.lab.example', '64:ff9b::c000:223'))(r); expect([...r.ttls.values()]).toEqual([60, 60]); } },
  { id: 'dual-stack', name: 'dual.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: has(aaaa('dual.lab.example', '2001:db8::44')) },
  { id: 'aaaa-only', name: 'v6only.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: has(aaaa('v6only.lab.example', '2001:db8::45')) },
  { id: 'nxdomain', name: 'nothere.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: (r) => { expect(r.rcode).toBe('NXDOMAIN'); expect(r.authority).toEqual(['lab.example SOA']); } },
  { id: 'nodata-both', name: 'txtonly.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: nodata },
  { id: 'mapped-aaaa-only', name: 'mapped.lab.example', type: 'AAAA', config: 'default', agree: ['named'], differ: { unbound: 'Unbound returns the ::ffff: AAAA as it is: no exclusion set (RFC 6147 §5.1.4 SHOULD exclude ::ffff:0:0/96)' }, expect: has(aaaa('mapped.lab.example', '64:ff9b::c000:232')) },
  { id: 'mapped-aaaa-beside-real', name: 'mixedmapped.lab.example', type: 'AAAA', config: 'default', agree: ['named'], differ: { unbound: 'Unbound has no AAAA exclusion set: it returns the ::ffff: AAAA too (RFC 6147 §5.1.4 says it must not)' }, expect: has(aaaa('mixedmapped.lab.example', '2001:db8::51')) },
  { id: 'cname-chain-to-a', name: 'alias.lab.example', type: 'AAAA', config: 'default', agree: ['named'], differ: { unbound: 'TTL of the synthesized AAAA: Unbound keeps the A TTL' }, expect: has('alias.lab.example CNAME alias2.lab.example', 'alias2.lab.example CNAME v4chain.lab.example', aaaa('v4chain.lab.example', '64:ff9b::c000:23c')) },
  { id: 'cname-to-dual', name: 'aliasdual.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: has('aliasdual.lab.example CNAME dual2.lab.example', aaaa('dual2.lab.example', '2001:db8::61')) },
  { id: 'cname-to-nxdomain', name: 'aliasnx.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: (r) => { expect(r.rcode).toBe('NXDOMAIN'); expect(r.answer).toEqual(['aliasnx.lab.example CNAME missing.lab.example']); } },
  { id: 'cname-to-nodata', name: 'aliasnodata.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: (r) => { expect(r.rcode).toBe('NOERROR'); expect(r.answer).toEqual(['aliasnodata.lab.example CNAME txt2.lab.example']); } },
  { id: 'private-a-default', name: 'private.lab.example', type: 'AAAA', config: 'default', agree: ['named'], differ: { unbound: 'TTL of the synthesized AAAA: Unbound keeps the A TTL (both synthesize private IPv4 under the WKP by default)' }, expect: has(aaaa('private.lab.example', '64:ff9b::a01:203')) },
  { id: 'private-a-excluded', name: 'private2.lab.example', type: 'AAAA', config: 'strict', agree: ['named'], differ: { unbound: 'Unbound cannot exclude IPv4 ranges from synthesis' }, expect: nodata },
  { id: 'private-and-public-a-excluded', name: 'mixedprivate.lab.example', type: 'AAAA', config: 'strict', agree: ['named'], differ: { unbound: 'Unbound cannot exclude IPv4 ranges from synthesis' }, expect: has(aaaa('mixedprivate.lab.example', '2001:db8:64:0:c0:2:4100:0')) },
  { id: 'wkp-aaaa-kept-by-default', name: 'wkpaaaa.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: has(aaaa('wkpaaaa.lab.example', '64:ff9b::c000:270')) },
  { id: 'excluded-range-aaaa', name: 'wkpaaaa2.lab.example', type: 'AAAA', config: 'strict', agree: ['named'], differ: { unbound: 'Unbound has no configurable AAAA exclusion: it returns the 64:ff9b:: AAAA' }, expect: has(aaaa('wkpaaaa2.lab.example', '2001:db8:64:0:c0:2:4700:0')) },
  { id: 'non-96-prefix', name: 'nsp.lab.example', type: 'AAAA', config: 'strict', agree: ['named'], differ: { unbound: 'TTL of the synthesized AAAA: Unbound keeps the A TTL' }, expect: has(aaaa('nsp.lab.example', '2001:db8:64:0:c0:2:5e00:0')) },
  { id: 'ptr-under-wkp', name: '1.2.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa', type: 'PTR', config: 'default', agree: ['named'], differ: { unbound: 'Unbound answers a PTR owned by the ip6.arpa name directly; flatlab and BIND synthesize a CNAME into in-addr.arpa (RFC 6147 §5.3.1 option 2)' }, expect: has('1.2.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa CNAME 33.2.0.192.in-addr.arpa', '33.2.0.192.in-addr.arpa PTR v4only.lab.example') },
  { id: 'ptr-under-64-prefix', name: '0.0.0.0.0.0.e.5.2.0.0.0.0.c.0.0.0.0.0.0.4.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa', type: 'PTR', config: 'strict', agree: ['named'], differ: { unbound: 'Unbound answers a PTR owned by the ip6.arpa name directly' }, expect: has('0.0.0.0.0.0.e.5.2.0.0.0.0.c.0.0.0.0.0.0.4.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa CNAME 94.2.0.192.in-addr.arpa', '94.2.0.192.in-addr.arpa PTR nsp.lab.example') },
  { id: 'ipv4only-arpa-aaaa', name: 'ipv4only.arpa', type: 'AAAA', config: 'default', agree: ['named'], differ: {}, expect: has(aaaa('ipv4only.arpa', '64:ff9b::c000:aa'), aaaa('ipv4only.arpa', '64:ff9b::c000:ab')) },
  { id: 'ipv4only-arpa-a', name: 'ipv4only.arpa', type: 'A', config: 'default', agree: ['named'], expect: has('ipv4only.arpa A 192.0.0.170', 'ipv4only.arpa A 192.0.0.171') },
  { id: 'ipv4only-arpa-aaaa-nsp', name: 'ipv4only.arpa', type: 'AAAA', config: 'strict', agree: ['named'], expect: has(aaaa('ipv4only.arpa', '2001:db8:64:0:c0:0:aa00:0'), aaaa('ipv4only.arpa', '2001:db8:64:0:c0:0:ab00:0')) },
  { id: 'do-and-cd', name: 'v4docd.lab.example', type: 'AAAA', config: 'default', dnssecOk: true, checkingDisabled: true, agree: ['unbound'], differ: { named: 'BIND synthesizes unless the AAAA answer is signed; RFC 6147 §5.5 item 3 says DO+CD must not be synthesized, which Unbound and flatlab follow' }, expect: nodata },
  { id: 'cd-only', name: 'v4cd.lab.example', type: 'AAAA', config: 'default', checkingDisabled: true, agree: ['named'], differ: { unbound: 'TTL of the synthesized AAAA: Unbound keeps the A TTL' }, expect: has(aaaa('v4cd.lab.example', '64:ff9b::c000:25b')) },
  { id: 'do-only', name: 'v4do.lab.example', type: 'AAAA', config: 'default', dnssecOk: true, agree: ['named'], differ: { unbound: 'TTL of the synthesized AAAA: Unbound keeps the A TTL' }, expect: has(aaaa('v4do.lab.example', '64:ff9b::c000:25c')) },
  { id: 'a-query-untouched', name: 'v4a.lab.example', type: 'A', config: 'default', agree: ['named', 'unbound'], expect: has('v4a.lab.example A 192.0.2.93') },
  { id: 'txt-forwarded', name: 'txtonly.lab.example', type: 'TXT', config: 'default', agree: ['named', 'unbound'], expect: (r) => { expect(r.rcode).toBe('NOERROR'); expect(r.answer).toHaveLength(1); } },
  { id: 'servfail-on-aaaa-only', name: 'servfail-aaaa.lab.example', type: 'AAAA', config: 'default', agree: ['named'], differ: { unbound: 'Unbound treats a failed AAAA query as empty and synthesizes (RFC 6147 §5.1.2); by default flatlab passes the error on as BIND does and the issue asks' }, expect: (r) => expect(r.rcode).toBe('SERVFAIL') },
  { id: 'servfail-on-aaaa-only-synthesize-on-error', name: 'servfail-aaaa.lab.example', type: 'AAAA', config: 'rfc', agree: ['unbound'], ignoreTtl: 'no SOA came with the failed AAAA answer: flatlab caps the TTL at 600 s (RFC 6147 §5.1.7), Unbound keeps the A TTL', differ: { named: 'BIND passes the SERVFAIL on' }, expect: (r) => { has(aaaa('servfail-aaaa.lab.example', '64:ff9b::c000:250'))(r); expect([...r.ttls.values()]).toEqual([600]); } },
  { id: 'servfail-upstream', name: 'servfail.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: (r) => expect(r.rcode).toBe('SERVFAIL') },
  { id: 'tc-fallback-large-answer', name: 'big.lab.example', type: 'AAAA', config: 'default', tcp: true, agree: ['named'], differ: { unbound: 'TTL of the synthesized AAAA: Unbound keeps the A TTL' }, expect: (r) => { expect(r.rcode).toBe('NOERROR'); expect(r.answer).toHaveLength(100); expect(r.answer).toContain(aaaa('big.lab.example', '64:ff9b::c000:264')); } },
  { id: 'large-answer-truncated-over-udp', name: 'big.lab.example', type: 'AAAA', config: 'default', agree: ['named', 'unbound'], expect: (r) => { expect(r.tc).toBe(true); } },
];

function rrText(r: Rr): string {
  const owner = r.name.toLowerCase().replace(/\.$/, '');
  const t = typeName(r.type);
  let data: string;
  if (r.type === TYPE.A) data = formatIpv4(r.rdata);
  else if (r.type === TYPE.AAAA) data = formatIpv6(r.rdata);
  else if (r.type === TYPE.CNAME || r.type === TYPE.PTR || r.type === TYPE.NS) data = rdataName(r.rdata).toLowerCase().replace(/\.$/, '');
  else data = r.rdata.toString('hex');
  return `${owner} ${t} ${data}`;
}

async function ask(port: number, c: Case): Promise<Norm> {
  const q = buildUpstreamQuery({ name: c.name, type: TYPE[c.type], class: 1, dnssecOk: c.dnssecOk === true, checkingDisabled: c.checkingDisabled === true }, Math.floor(Math.random() * 65536), 1232);
  const server = { host: '127.0.0.1', port };
  const msg = c.tcp ? await networkExchange.tcp(server, q, 8000) : await networkExchange.udp(server, q, 8000);
  if (!msg) throw new Error(`no answer from port ${port} for ${c.name} ${c.type}`);
  const a = upstreamAnswer(msg);
  const answer = a.answer.filter((r) => r.type !== 46).map(rrText);
  return {
    rcode: rcodeName(rcodeOf(msg.header.flags)),
    tc: (msg.header.flags & FLAG.TC) !== 0,
    answer: [...answer].sort(),
    ttls: new Map(a.answer.filter((r) => r.type !== 46).map((r) => [rrText(r), r.ttl])),
    authority: a.authority.map((r) => `${r.name.toLowerCase().replace(/\.$/, '')} ${typeName(r.type)}`).sort(),
  };
}

function same(a: Norm, b: Norm, ttls = true): boolean {
  if (a.rcode !== b.rcode || a.tc !== b.tc) return false;
  if (JSON.stringify(a.answer) !== JSON.stringify(b.answer) || JSON.stringify(a.authority) !== JSON.stringify(b.authority)) return false;
  if (!ttls) return true;
  // Both are fresh lookups (every case has its own names); a second may pass between them.
  for (const [k, ttl] of a.ttls) if (Math.abs(ttl - (b.ttls.get(k) ?? -100)) > 1) return false;
  return true;
}

const show = (n: Norm) => ({ ...n, ttls: Object.fromEntries(n.ttls) });

describe.skipIf(reason)('flatlab dns64 against Unbound and BIND dns64', () => {
  let dir: string;
  let upstream: UpstreamFixture;
  const refs = new Map<string, RunningReference>();
  const flatlab = new Map<Config, Dns64Daemon>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fl-dns64-cmp-'));
    upstream = await startUpstreamFixture([
      { origin: 'lab.example', text: LAB_ZONE },
      { origin: '2.0.192.in-addr.arpa', text: REVERSE_ZONE },
    ]);
    const zones = ['lab.example', '2.0.192.in-addr.arpa'];
    const common = { upstreamPort: upstream.port, zones };
    for (const config of ['default', 'strict'] as const) {
      const prefix = config === 'default' ? '64:ff9b::/96' : STRICT_PREFIX;
      const extra = config === 'strict' ? { excludeIpv4: PRIVATE, excludeAaaa: ['64:ff9b::/96'] } : {};
      refs.set(`unbound-${config}`, startUnbound({ ...common, ...extra, dir: join(dir, `unbound-${config}`), port: await freePort(), prefix }));
      refs.set(`named-${config}`, startNamed({ ...common, ...extra, dir: join(dir, `named-${config}`), port: await freePort(), prefix }));
      const cfg = buildDns64Config({
        upstream: [`127.0.0.1:${upstream.port}`],
        listen: ['127.0.0.1:0'],
        prefix: [prefix],
        ...(config === 'strict' ? { excludePrivate: true, excludeAaaa: ['64:ff9b::/96'] } : {}),
      });
      flatlab.set(config, await startDns64Daemon(cfg, { logger: pino({ level: 'silent' }) }));
    }
    const rfc = buildDns64Config({ upstream: [`127.0.0.1:${upstream.port}`], listen: ['127.0.0.1:0'], synthesizeOnError: true });
    flatlab.set('rfc', await startDns64Daemon(rfc, { logger: pino({ level: 'silent' }) }));
    // Ready when every reference answers an A query from the zone (bounded).
    for (const [key, ref] of refs) {
      const deadline = Date.now() + 30_000;
      for (let attempt = 0; ; attempt++) {
        if (ref.child.exitCode !== null) throw new Error(`${key} exited: ${ref.output()}`);
        const r = await ask(ref.port, { id: 'ready', name: 'ns1.lab.example', type: 'A', config: 'default', agree: [], expect: () => {} }).catch(() => undefined);
        if (r?.rcode === 'NOERROR') break;
        if (Date.now() > deadline || attempt > 150) throw new Error(`${key} did not answer within 30 s: ${ref.output()}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...refs.values()].map((r) => r.stop()));
    await Promise.all([...flatlab.values()].map((d) => d.close()));
    await upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has at least 25 cases, each with a distinct id', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const mine = await ask(flatlab.get(c.config)!.dns.udp[0]!.port, c);
    const theirs: Partial<Record<Ref, Norm>> = {};
    for (const ref of ['named', 'unbound'] as const) {
      if (!c.agree.includes(ref) && !(c.differ && ref in c.differ)) continue;
      theirs[ref] = await ask(refs.get(`${ref}-${c.config === 'rfc' ? 'default' : c.config}`)!.port, c);
    }
    const context = JSON.stringify({ flatlab: show(mine), ...Object.fromEntries(Object.entries(theirs).map(([k, v]) => [k, show(v)])) }, null, 1);
    c.expect(mine);
    for (const ref of c.agree) expect(same(mine, theirs[ref]!, c.ignoreTtl === undefined), `${c.id}: flatlab should equal ${ref}\n${context}`).toBe(true);
    for (const [ref, why] of Object.entries(c.differ ?? {})) expect(same(mine, theirs[ref as Ref]!), `${c.id}: expected ${ref} to differ (${why})\n${context}`).toBe(false);
  });
});
