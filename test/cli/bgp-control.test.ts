/** `flatlab bgp neighbors|rib|announce|withdraw|reset|shutdown|enable|reload`, in-process against daemons on loopback. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { bgpdYaml, freePort, LoopbackLab, until } from '../bgp/daemon/loopback-lab.js';

const lab = new LoopbackLab();

beforeAll(async () => {
  await lab.start();
  await lab.established('p1', 'p2');
  await lab.p1.post('/announce', { prefix: '198.51.100.0/24', med: 5, communities: ['65002:1'] });
  await until('route at dut', () => lab.dut.daemon.speaker.bestRoute('198.51.100.0/24'));
}, 30_000);
afterAll(() => lab.stop());

async function bgp(...argv: string[]) {
  const io = memoryIO(lab.dir);
  const code = await main(['bgp', ...argv], io);
  return { code, ...io.text() };
}
const dut = () => ['--control', lab.dut.socket];

describe('flatlab bgp', () => {
  test('neighbors: a table like gobgp neighbor, one neighbor in detail, --json', async () => {
    const r = await bgp('neighbors', ...dut());
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Name\s+Address\s+AS\s+State\s+Up\/Down\s+Received\s+Accepted\s+Advertised$/);
    expect(lines[1]).toMatch(/^p1\s+127\.0\.0\.2\s+65002\s+Established\s+\d\d:\d\d:\d\d\s+1\s+1\s+0$/);
    expect(lines[2]).toMatch(/^p2\s+127\.0\.0\.3\s+65003\s+Established\s+\d\d:\d\d:\d\d\s+0\s+0\s+1$/);
    const one = await bgp('neighbors', 'p1', ...dut());
    expect(one.stdout).toMatch(/^p1 \(127\.0\.0\.2, AS 65002\)\n {2}State: +Established for/);
    expect(one.stdout).toMatch(/Route refresh: +negotiated/);
    expect(one.stdout).toMatch(/^ {4}open +[1-9]\d* +[1-9]\d*$/m);
    const json = await bgp('neighbors', ...dut(), '--json');
    expect((JSON.parse(json.stdout) as Array<{ name: string }>).map((n) => n.name)).toEqual(['p1', 'p2']);
  });

  test('rib: Loc-RIB table, Adj-RIB-Out of a peer, filters, --json', async () => {
    const loc = await bgp('rib', ...dut());
    expect(loc.code).toBe(0);
    expect(loc.stdout).toMatch(/^\s+Network\s+Next Hop\s+From\s+AS Path\s+LocPrf\s+MED\s+Origin\s+Communities\s+Why best$/m);
    expect(loc.stdout).toMatch(/^\*>\s+198\.51\.100\.0\/24\s+127\.0\.0\.2\s+p1\s+65002\s+100\s+5\s+igp\s+65002:1\s+only-path$/m);
    const out = await bgp('rib', 'out', '--peer', 'p2', ...dut(), '--json');
    expect(JSON.parse(out.stdout)).toMatchObject([{ peer: 'p2', prefix: '198.51.100.0/24', asPath: [65001, 65002], nextHop: '127.0.0.1' }]);
    expect((await bgp('rib', '198.51.0.0/16', '--longer', ...dut(), '--json')).stdout).toContain('198.51.100.0/24');
    expect((await bgp('rib', 'in', '--pre-policy', '--community', '65002:1', ...dut(), '--json')).stdout).toContain('"peer": "p1"');
    expect((await bgp('rib', '10.0.0.0/8', ...dut())).stdout).toBe('no routes\n');
    const wrong = await bgp('rib', 'loc', '--pre-policy', ...dut());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--pre-policy is for the Adj-RIB-In/);
  });

  test('announce with attributes, then withdraw', async () => {
    const a = await bgp('announce', '100.64.0.0/16', '--next-hop', '127.0.0.1', '--as-path', '65010 65020', '--community', '65001:7,65001:8', '--large-community', '65001:1:1', '--med', '30', '--origin', 'egp', ...dut());
    expect(a).toMatchObject({ code: 0, stdout: 'announced 100.64.0.0/16\n' });
    const r = await until('at p1', () => lab.p1.daemon.speaker.bestRoute('100.64.0.0/16'));
    expect(r.attributes).toMatchObject({ asPath: [{ type: 2, asns: [65001, 65010, 65020] }], med: 30, origin: 1, largeCommunities: [[65001, 1, 1]] });
    expect(r.attributes.communities).toHaveLength(2);
    expect(await bgp('withdraw', '100.64.0.0/16', ...dut())).toMatchObject({ code: 0, stdout: 'withdrew 100.64.0.0/16\n' });
    await until('gone at p1', () => (lab.p1.daemon.speaker.bestRoute('100.64.0.0/16') ? undefined : true));
    const again = await bgp('withdraw', '100.64.0.0/16', ...dut());
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/flatlab bgpd answered 404: 100\.64\.0\.0\/16 is not announced by this daemon/);
    expect(again.stderr).toMatch(/hint: flatlab bgp rib --peer local/);
    const bad = await bgp('announce', '10.0.0.0/8', '--med', 'lots', ...dut());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--med takes an integer/);
  });

  test('reset --soft in/out, shutdown with a message, enable', async () => {
    expect(await bgp('reset', 'p1', '--soft', 'in', ...dut())).toMatchObject({ code: 0, stdout: 'p1: soft reset in (ROUTE-REFRESH sent)\n' });
    expect((await bgp('reset', 'p1', '--soft', 'out', ...dut())).code).toBe(0);
    expect((await bgp('reset', 'p1', '--soft', 'sideways', ...dut())).code).toBe(2);
    expect(await bgp('shutdown', 'p2', '--message', 'planned work', ...dut())).toMatchObject({ code: 0, stdout: 'p2: shut down\n' });
    const cease = await until('p2 hears it', () => lab.p2.daemon.events.find((e) => e.type === 'notification-received' && e.code === 6));
    expect(cease).toMatchObject({ text: 'planned work' });
    expect((await bgp('neighbors', ...dut())).stdout).toMatch(/^p2\s+127\.0\.0\.3\s+65003\s+Idle/m);
    expect(await bgp('enable', 'p2', ...dut())).toMatchObject({ code: 0, stdout: 'p2: enabled\n' });
    await lab.p2.post('/neighbors/dut/enable');
    await lab.established('p2');
    const unknown = await bgp('shutdown', 'p9', ...dut());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no neighbor "p9"/);
    expect(unknown.stderr).toMatch(/hint: neighbors: p1, p2/);
  }, 30_000);

  test('reload: applied (exit 0) and refused (exit 1)', async () => {
    const { dut: self, p1, p2 } = lab.nodes;
    lab.dut.writeConfig(bgpdYaml(self, [{ to: p1 }, { to: p2 }], 'originate: [203.0.113.0/24]'));
    expect(await bgp('reload', ...dut())).toMatchObject({ code: 0, stdout: 'reloaded: announced 203.0.113.0/24\n' });
    lab.dut.writeConfig(bgpdYaml({ ...self, asn: 65055 }, [{ to: p1 }, { to: p2 }]));
    const refused = await bgp('reload', ...dut());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/reload refused; the daemon keeps its running configuration: asn changed/);
  });

  test('an unreachable daemon or a missing control address is exit 2 with a clear message', async () => {
    const nobody = await bgp('neighbors', '--control', `127.0.0.1:${await freePort('127.0.0.1')}`);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/cannot reach flatlab bgpd at 127\.0\.0\.1:\d+: ECONNREFUSED/);
    const noSocket = await bgp('neighbors', '--control', join(lab.dir, 'missing.sock'));
    expect(noSocket.stderr).toMatch(/cannot reach flatlab bgpd at .*missing\.sock: ENOENT/);
    const none = await bgp('neighbors');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no control address for flatlab bgpd/);
    expect(none.stderr).toMatch(/hint: give --control/);
    const file = join(lab.dir, 'with-control.yml');
    writeFileSync(file, 'router-id: 10.0.0.1\nasn: 65001\ncontrol: { http: "127.0.0.1:1" }\n');
    const viaConfig = await bgp('rib', '--config', file);
    expect(viaConfig.code).toBe(2);
    expect(viaConfig.stderr).toMatch(/cannot reach flatlab bgpd at 127\.0\.0\.1:1/);
    writeFileSync(file, 'router-id: 10.0.0.1\nasn: 65001\n');
    expect((await bgp('rib', '--config', file)).stderr).toMatch(/has no control: address/);
  });
});
