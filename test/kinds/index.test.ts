import { describe, expect, it } from 'vitest';
import { getKind, kindCatalog, kinds, UnknownKindError } from '../../src/kinds/index.js';

const issueKinds = ['linux', 'bridge', 'bird', 'frr', 'gobgp', 'exabgp', 'flatlab-bgpd', 'flatlab-hesiod', 'flatlab-dns64', 'tayga', 'zerotier', 'flatracoon-os'];

describe('kind registry', () => {
  it('lists every kind the issue names, each once', () => {
    expect(kindCatalog.names()).toEqual(issueKinds);
    expect(new Set(kinds.map((k) => k.name)).size).toBe(kinds.length);
  });

  it('finds kinds by name and explains unknown ones', () => {
    expect(kindCatalog.get('bird')?.speaksBgp).toBe(true);
    expect(kindCatalog.get('birdd')).toBeUndefined();
    expect(() => getKind('birdd')).toThrow(UnknownKindError);
    try {
      getKind('birdd');
    } catch (e) {
      expect((e as UnknownKindError).hint).toContain('"bird"');
    }
  });

  it('marks only flatracoon-os as a VM and bgp daemons as BGP speakers', () => {
    expect(kinds.filter((k) => k.vm).map((k) => k.name)).toEqual(['flatracoon-os']);
    expect(kinds.filter((k) => k.speaksBgp).map((k) => k.name)).toEqual(['bird', 'frr', 'gobgp', 'exabgp', 'flatlab-bgpd']);
  });

  it('gives every container kind an image and every non-bridge kind a linux container', () => {
    for (const k of kinds) {
      if (k.name === 'bridge') expect(k.containerlab.kind).toBe('bridge');
      else {
        expect(k.containerlab.kind).toBe('linux');
        // Images are flatlab's own (built locally), except real ZeroTier, which the ZeroTier issue asks for by name.
        if (k.name === 'zerotier') expect(k.containerlab.image).toMatch(/^zerotier\/zerotier:[0-9.]+$/);
        else expect(k.containerlab.image).toMatch(/^flatlab\/[a-z0-9-]+:[0-9.]+(-local)?$/);
      }
    }
  });

  it('states sim support or the reason there is none', () => {
    for (const k of kinds) {
      if (typeof k.sim === 'object') expect(k.sim.unsupported.length).toBeGreaterThan(10);
    }
    expect(getKind('frr').sim).toBe('bgp-speaker');
    expect(getKind('flatracoon-os').sim).toHaveProperty('unsupported');
  });

  it('runs FRR as user frr with a -N pathspace (FRR refuses root outside its vty group)', () => {
    const launch = getKind('frr').netns;
    expect(launch && 'processes' in launch).toBe(true);
    if (launch && 'processes' in launch) {
      expect(launch.processes.map((p) => p.user)).toEqual(['frr', 'frr', 'frr']);
      for (const p of launch.processes) expect(p.argv).toContain('-N');
    }
  });
});

describe('validateConfig', () => {
  const problems = (kind: string, config: Record<string, unknown>) => getKind(kind).validateConfig(config);

  it('accepts the defaults-completed examples from the docs', () => {
    expect(problems('linux', { forwarding: true })).toEqual([]);
    expect(problems('flatlab-dns64', { upstream: '192.0.2.53', prefix: '64:ff9b::/96' })).toEqual([]);
    expect(problems('tayga', { pool: '192.168.255.0/24', prefix: '64:ff9b::/96', 'ipv4-address': '192.168.255.1' })).toEqual([]);
    expect(problems('zerotier', { network: '8056c2e21c000001', role: 'member' })).toEqual([]);
    expect(problems('zerotier', { role: 'root' })).toEqual([]);
    expect(problems('flatracoon-os', { memory: 512, cpus: 2, services: ['bird', 'ssh'] })).toEqual([]);
    expect(problems('flatlab-hesiod', { map: { rhs: '.example.org', ns: ['ns1.example.org'], users: { alice: { uid: 1000, gid: 1000, home: '/home/alice' } } } })).toEqual([]);
    expect(problems('flatlab-hesiod', { zone: '$ORIGIN example.org.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.2\n' })).toEqual([]);
    expect(problems('bird', {})).toEqual([]);
  });

  it('rejects unknown keys with a did-you-mean', () => {
    const [p] = problems('flatlab-dns64', { upstream: '192.0.2.53', prefx: '64:ff9b::/96' });
    expect(p?.path).toEqual(['prefx']);
    expect(p?.hint).toContain('"prefix"');
    expect(problems('bird', { anything: 1 })[0]?.message).toContain('unknown config key "anything" for kind bird');
  });

  it('reports every problem at once', () => {
    const ps = problems('flatracoon-os', { memory: 'lots', cpus: 0, services: ['bird', 'nginx'], colour: 'red' });
    expect(ps.map((p) => p.path)).toEqual([['colour'], ['memory'], ['cpus'], ['services', 1]]);
  });

  it('checks required values and their shape', () => {
    expect(problems('flatlab-dns64', {})[0]?.message).toContain('config.upstream');
    expect(problems('flatlab-dns64', { upstream: '192.0.2.53', prefix: '64:ff9b::/80' })[0]?.message).toContain('RFC 6052');
    expect(problems('tayga', {})[0]?.message).toContain('config.pool');
    expect(problems('tayga', { pool: '192.168.255.0' })[0]?.path).toEqual(['pool']);
    expect(problems('zerotier', { network: 'xyz' }).map((p) => p.path)).toEqual([['network']]);
    expect(problems('zerotier', { network: '8056c2e21c000001', role: 'memebr' })[0]?.hint).toContain('"member"');
    expect(problems('flatlab-hesiod', {})[0]?.message).toContain('config.map or config.zone');
    expect(problems('flatlab-hesiod', { map: {}, zone: 'x' }).map((p) => p.path)).toContainEqual(['zone']);
    expect(problems('flatlab-hesiod', { map: { rhs: '.example.org', ns: ['ns1.example.org'], users: { alice: { uid: 'x' } } } })[0]?.path.slice(0, 3)).toEqual(['map', 'users', 'alice']);
    expect(problems('flatlab-hesiod', { zone: '@ IN A 192.0.2.1\n' })[0]?.message).toContain('$ORIGIN');
    const bad = problems('flatlab-hesiod', { zone: '$ORIGIN example.org.\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.300\n' });
    expect(bad[0]?.path).toEqual(['zone']);
    expect(bad[0]?.message).toMatch(/^zone line 4: /);
    expect(problems('linux', { forwarding: 'yes' })[0]?.path).toEqual(['forwarding']);
  });
});

describe('docs/kinds.md', () => {
  it('documents every kind with its image', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/kinds.md', import.meta.url), 'utf8');
    for (const k of kinds) {
      expect(doc).toContain(`### ${k.name}\n`);
      if (k.containerlab.image) expect(doc).toContain(k.containerlab.image);
    }
  });
});
