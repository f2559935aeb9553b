/**
 * The emitted daemon configs are accepted by the daemons themselves: `bird -p`, `vtysh -C`,
 * `gobgpd --dry-run` (which only decodes the file) plus a real gobgpd start in a private
 * network namespace whose policies are read back through the API (so GoBGP has built every
 * policy, prefix set and regex), and `exabgp --test`. The lab is the writers' fixture, which
 * uses every feature of the policy model across its nodes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import type { ConfigWriter } from '../../src/emit/config-file.js';
import type { Lab } from '../../src/topology/lab.js';
import { birdConfig } from '../../src/emit/bird.js';
import { frrConfig } from '../../src/emit/frr.js';
import { gobgpConfig } from '../../src/emit/gobgp.js';
import { exabgpConfig } from '../../src/emit/exabgp.js';
import { taygaConfig } from '../../src/emit/tayga.js';
import { needTools } from '../support/need-tools.js';
import { fc } from '@fast-check/vitest';
import type { PolicyTerm } from '../../src/bgp/policy/model.js';
import { termArb } from '../emit/policy-arbitraries.js';
import { fixtureLab, labNode } from '../emit/fixture-lab.js';

const dir = mkdtempSync(join(tmpdir(), 'flatlab-config-syntax-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write `node`'s files as a node of `kind` into a fresh directory; `edit` adjusts the lab first. */
function emit(node: string, writer: ConfigWriter, kind: string, edit: (lab: Lab) => void = () => {}): string {
  const lab = fixtureLab();
  edit(lab);
  const n = labNode(lab, node);
  n.kind = kind;
  const out = join(dir, `${node}-${kind}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const f of writer(lab, n)) writeFileSync(join(out, f.path), f.content, { mode: f.mode ?? 0o644 });
  return out;
}

describe.skipIf(needTools(['bird']))('bird -p', () => {
  test('accepts bird.conf of every fixture node that BIRD can express (r1, and r4/r5 as bird nodes)', async () => {
    for (const node of ['r1', 'r4', 'r5']) {
      // r4 imports regex-in, whose as-path-regex BIRD cannot express (bird.test.ts checks that report); swap in a path mask.
      const out = emit(node, birdConfig, 'bird', (lab) => {
        lab.policies['regex-in'] = [{ match: { 'as-path-contains': 65005 }, action: 'accept' }];
      });
      const r = await execa('bird', ['-p', '-c', join(out, 'bird.conf')], { reject: false, timeout: 20_000 });
      expect({ node, exitCode: r.exitCode, stderr: r.stderr }).toEqual({ node, exitCode: 0, stderr: '' });
    }
  });

  test('still rejects a broken file (the check is real)', async () => {
    const out = emit('r1', birdConfig, 'bird');
    writeFileSync(join(out, 'bird.conf'), 'router id 10.0.0.1;\nprotocol bgp x { bogus; }\n');
    const r = await execa('bird', ['-p', '-c', join(out, 'bird.conf')], { reject: false, timeout: 20_000 });
    expect(r.exitCode).not.toBe(0);
  });
});

describe.skipIf(needTools(['bird', 'birdc', 'ip'], { root: true }))('bird running the emitted r1 config', () => {
  test('the export filter runs the chain: policy functions change the route it accepts (tag-out, then all)', async () => {
    const out = emit('r1', birdConfig, 'bird');
    const ns = `flbird${process.pid}`;
    const ctl = join(out, 'bird.ctl');
    const pidFile = join(out, 'bird.pid');
    await execa('ip', ['netns', 'add', ns]);
    try {
      // A private namespace: the kernel protocol writes into its tables, and the BGP neighbors are unreachable.
      await execa('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
      await execa('ip', ['netns', 'exec', ns, 'bird', '-c', join(out, 'bird.conf'), '-s', ctl, '-P', pidFile], { timeout: 20_000 });
      let shown = '';
      for (let i = 0; i < 40 && !shown.includes('203.0.113.0/24'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        shown = (await execa('ip', ['netns', 'exec', ns, 'birdc', '-s', ctl, 'show', 'route', 'filter', 'bgp_r2_ipv4_export', 'all'], { reject: false, timeout: 10_000 })).stdout;
      }
      expect(shown).toContain('203.0.113.0/24');
      expect(shown).toContain('BGP.med: 10');
      expect(shown).toContain('BGP.as_path: 65001 65001');
      expect(shown).toContain('BGP.next_hop: 10.0.0.0');
      expect(shown).toMatch(/BGP\.community: \(65001,300\) \(65535,65281\)|BGP\.community: \(65535,65281\) \(65001,300\)/);
      expect(shown).toContain('BGP.large_community: (65001, 3, 4)');
      // r1's IPv6 originate and the r4 export chain (tag-out then none) reject.
      const toR4 = (await execa('ip', ['netns', 'exec', ns, 'birdc', '-s', ctl, 'show', 'route', 'filter', 'bgp_r4_ipv4_export'], { reject: false, timeout: 10_000 })).stdout;
      expect(toR4).not.toContain('203.0.113.0/24');
    } finally {
      await execa('ip', ['netns', 'exec', ns, 'birdc', '-s', ctl, 'down'], { reject: false, timeout: 10_000 });
      await execa('ip', ['netns', 'del', ns], { reject: false });
    }
  });
});

describe.skipIf(needTools(['vtysh']))('vtysh -C', () => {
  test('accepts frr.conf of every fixture node written as an FRR node', async () => {
    for (const node of ['r1', 'r2', 'r3', 'r4', 'r5']) {
      const out = emit(node, frrConfig, 'frr');
      const r = await execa('vtysh', ['-C', '-f', join(out, 'frr.conf')], { reject: false, timeout: 30_000 });
      expect({ node, exitCode: r.exitCode, out: `${r.stdout}${r.stderr}`.split('\n').filter((l) => /Unknown command|No such command|error/i.test(l)) }).toEqual({ node, exitCode: 0, out: [] });
    }
  });

  test('accepts the guard entries written for a term with several AS-path conditions', async () => {
    const out = emit('r2', frrConfig, 'frr', (lab) => {
      lab.policies['regex-in'] = [{ match: { 'as-path-contains': 64512, 'as-path-regex': '^65001_', 'as-path-length': { le: 4 } }, action: 'accept' }];
    });
    const r = await execa('vtysh', ['-C', '-f', join(out, 'frr.conf')], { reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(0);
  });

  test('still rejects a broken file (the check is real)', async () => {
    const out = emit('r2', frrConfig, 'frr');
    writeFileSync(join(out, 'frr.conf'), 'router bgp 65001\n neighbor 10.0.0.1 remote-as 65002\n neighbor 10.0.0.1 route-map\n');
    const r = await execa('vtysh', ['-C', '-f', join(out, 'frr.conf')], { reject: false, timeout: 30_000 });
    expect(r.exitCode).not.toBe(0);
  });
});

describe.skipIf(needTools(['gobgpd', 'gobgp', 'ip'], { root: true }))('gobgpd', () => {
  test('--dry-run decodes gobgpd.toml of the GoBGP-expressible fixture nodes', async () => {
    for (const node of ['r3', 'r4', 'r5']) {
      const out = emit(node, gobgpConfig, 'gobgp');
      const r = await execa('gobgpd', ['--dry-run', '-f', join(out, 'gobgpd.toml')], { reject: false, timeout: 20_000 });
      expect({ node, exitCode: r.exitCode }).toEqual({ node, exitCode: 0 });
    }
  });

  test('a real gobgpd builds every policy, set and regex of r3 (read back through its API)', async () => {
    const out = emit('r3', gobgpConfig, 'gobgp');
    const ns = `flcfg${process.pid}`;
    await execa('ip', ['netns', 'add', ns]);
    let pid: number | undefined;
    try {
      await execa('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
      // Its own namespace: the neighbors' addresses are unreachable, so no packet leaves.
      const daemon = execa('ip', ['netns', 'exec', ns, 'gobgpd', '-f', join(out, 'gobgpd.toml'), '--api-hosts', '127.0.0.1:50051', '--pprof-disable', '-p'], { reject: false, timeout: 60_000 });
      pid = daemon.pid;
      let policies = '';
      for (let i = 0; i < 40 && !policies.includes('policy-tag-out'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        const r = await execa('ip', ['netns', 'exec', ns, 'gobgp', 'policy'], { reject: false, timeout: 10_000 });
        policies = r.stdout;
      }
      // Each chain is a copy scoped to its peer (GoBGP applies only the global policy lists outside route-server mode).
      for (const name of ['policy-all', 'policy-customer-in', 'policy-regex-in', 'policy-tag-out']) expect(policies).toMatch(new RegExp(`Name ${name}@peer-[^:]+:`));
      expect(policies).toMatch(/StatementName customer-in-2-ipv6@peer-[^:]+:/);
      expect(policies).toMatch(/NeighborSet: any peer-/);
      const global = await execa('ip', ['netns', 'exec', ns, 'gobgp', 'global', 'policy', 'import'], { reject: false, timeout: 10_000 });
      expect(global.stdout).toMatch(/Name policy-customer-in@peer-/);
      expect(policies).toContain('Community:  replace[65535:65281, 65001:300]');
      const neighbors = await execa('ip', ['netns', 'exec', ns, 'gobgp', 'neighbor'], { timeout: 10_000 });
      expect(neighbors.stdout).toContain('10.255.0.2');
      // The originate script the kind runs after start puts r3's prefixes in the global RIB.
      await execa('ip', ['netns', 'exec', ns, 'sh', join(out, 'gobgp-originate.sh')], { timeout: 40_000 });
      const rib4 = await execa('ip', ['netns', 'exec', ns, 'gobgp', 'global', 'rib', '-a', 'ipv4'], { timeout: 10_000 });
      const rib6 = await execa('ip', ['netns', 'exec', ns, 'gobgp', 'global', 'rib', '-a', 'ipv6'], { timeout: 10_000 });
      expect(rib4.stdout).toContain('198.51.100.128/25');
      expect(rib6.stdout).toContain('2001:db8:3::/48');
      daemon.kill('SIGTERM');
      await daemon;
    } finally {
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await execa('ip', ['netns', 'del', ns], { reject: false });
    }
  });
});

describe.skipIf(needTools(['exabgp']))('exabgp --test', () => {
  test('accepts exabgp.conf of r5', async () => {
    const out = emit('r5', exabgpConfig, 'exabgp');
    const r = await execa('exabgp', ['--test', join(out, 'exabgp.conf')], { reject: false, timeout: 30_000, env: { 'exabgp.daemon.user': 'root' } });
    expect({ exitCode: r.exitCode, errors: r.stdout.split('\n').filter((l) => /error|invalid/i.test(l)) }).toEqual({ exitCode: 0, errors: [] });
  });
});

describe.skipIf(needTools(['tayga', 'ip'], { root: true }))('tayga', () => {
  test('starts with the emitted tayga.conf (it checks its configuration before anything else)', async () => {
    const out = emit('r5', taygaConfig, 'tayga', (lab) => {
      labNode(lab, 'r5').config = { pool: '192.168.255.0/24', prefix: '64:ff9b::/96', 'tun-device': 'nat64' };
    });
    const ns = `fltay${process.pid}`;
    await execa('ip', ['netns', 'add', ns]);
    try {
      // -d keeps TAYGA in the foreground; a configuration error ends it at once, a good one keeps it running.
      const daemon = execa('ip', ['netns', 'exec', ns, 'tayga', '-c', join(out, 'tayga.conf'), '-d'], { reject: false, timeout: 10_000 });
      const early = await Promise.race([daemon.then((r) => r), new Promise<undefined>((r) => setTimeout(() => r(undefined), 1500))]);
      expect(early, early ? `tayga exited: ${early.stderr}` : '').toBeUndefined();
      daemon.kill('SIGTERM');
      await daemon;
    } finally {
      await execa('ip', ['netns', 'del', ns], { reject: false });
    }
  });

  test('a config TAYGA refuses ends it at once (the check is real)', async () => {
    const out = emit('r5', taygaConfig, 'tayga', (lab) => {
      labNode(lab, 'r5').config = { pool: '192.168.255.0/24' };
    });
    writeFileSync(join(out, 'tayga.conf'), 'tun-device nat64\nipv4-addr 192.168.255.1\nprefix 64:ff9b::/96\ndynamic-pool 192.168.255.0/24\n');
    const ns = `fltay${process.pid}b`;
    await execa('ip', ['netns', 'add', ns]);
    try {
      const r = await execa('ip', ['netns', 'exec', ns, 'tayga', '-c', join(out, 'tayga.conf'), '-d'], { reject: false, timeout: 10_000 });
      expect(r.exitCode).not.toBe(0);
    } finally {
      await execa('ip', ['netns', 'del', ns], { reject: false });
    }
  });
});

/** Every config of the committed built-in labs (labs/<lab>/configs/<node>/), checked by its daemon. */
describe.skipIf(needTools(['bird', 'vtysh', 'gobgpd', 'exabgp']))('committed labs/', () => {
  const labsDir = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'labs');
  const checks: Record<string, (file: string) => string[]> = {
    'bird.conf': (f) => ['bird', '-p', '-c', f],
    'frr.conf': (f) => ['vtysh', '-C', '-f', f],
    'gobgpd.toml': (f) => ['gobgpd', '--dry-run', '-f', f],
    'exabgp.conf': (f) => ['exabgp', '--test', f],
  };
  const files: string[] = [];
  for (const lab of existsSync(labsDir) ? readdirSync(labsDir) : []) {
    const configs = join(labsDir, lab, 'configs');
    if (!existsSync(configs)) continue;
    for (const node of readdirSync(configs)) for (const name of readdirSync(join(configs, node))) if (checks[name]) files.push(join(configs, node, name));
  }

  test('there are daemon configs to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files.map((f) => [f.slice(labsDir.length + 1), f]))('%s passes its daemon\'s check', async (_name, file) => {
    const [cmd, ...args] = checks[basename(file)]!(file);
    const r = await execa(cmd!, args, { reject: false, timeout: 30_000 });
    expect({ exitCode: r.exitCode, stderr: r.stderr.split('\n').filter((l) => /error|unknown command|no such command/i.test(l)) }).toEqual({ exitCode: 0, stderr: [] });
  });
});

/** The term without what `kind` reports as inexpressible (writer tests cover those reports), so every run reaches the daemon. */
function expressibleIn(kind: string, term: PolicyTerm): PolicyTerm {
  const match = { ...term.match };
  const set = term.set ? { ...term.set } : undefined;
  if (kind === 'bird') delete match['as-path-regex'];
  if (kind === 'gobgp') {
    delete match.origin;
    if (match['neighbor-as'] !== undefined || match['origin-as'] !== undefined) {
      delete match['as-path-contains'];
      delete match['as-path-regex'];
      delete match['as-path-length'];
    } else if (match['as-path-contains'] !== undefined) {
      delete match['as-path-regex'];
      delete match['as-path-length'];
    } else if (match['as-path-regex'] !== undefined) delete match['as-path-length'];
    if (set && set['community-set'] === undefined && set['community-add'] !== undefined) delete set['community-remove'];
  }
  return { ...term, match, ...(set ? { set } : {}) };
}

describe.skipIf(needTools(['bird', 'vtysh', 'gobgpd']))('random policies', () => {
  test('whatever the writers emit for random policies passes bird -p, vtysh -C and gobgpd --dry-run', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(termArb, { minLength: 1, maxLength: 4 }), async (terms) => {
        const runs: Array<[ConfigWriter, string, string, (dir: string) => string[]]> = [
          [birdConfig, 'r1', 'bird', (d) => ['bird', '-p', '-c', join(d, 'bird.conf')]],
          [frrConfig, 'r2', 'frr', (d) => ['vtysh', '-C', '-f', join(d, 'frr.conf')]],
          [gobgpConfig, 'r3', 'gobgp', (d) => ['gobgpd', '--dry-run', '-f', join(d, 'gobgpd.toml')]],
        ];
        for (const [writer, node, kind, check] of runs) {
          const out = emit(node, writer, kind, (lab) => {
            lab.policies['customer-in'] = terms.map((t) => expressibleIn(kind, t));
          });
          const [cmd, ...args] = check(out);
          const r = await execa(cmd!, args, { reject: false, timeout: 30_000 });
          expect({ kind, exitCode: r.exitCode, stderr: r.stderr }).toMatchObject({ kind, exitCode: 0 });
          checked++;
        }
      }),
      { numRuns: 12 },
    );
    expect(checked).toBe(36);
  });
});
