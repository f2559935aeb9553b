/** `damping:` on topology nodes: FRR's units and ranges, kinds that cannot damp, the Lab's seconds. */
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import type { KindCatalog, KindInfo } from '../../src/topology/kind-catalog.js';

const kinds: KindInfo[] = [
  { name: 'linux', speaksBgp: false, defaultRole: 'host', vm: false },
  { name: 'bird', speaksBgp: true, defaultRole: 'router', vm: false, routeDamping: { unsupported: 'BIRD 2 does not implement route flap damping' } },
  { name: 'frr', speaksBgp: true, defaultRole: 'router', vm: false, routeDamping: true },
  { name: 'flatlab-bgpd', speaksBgp: true, defaultRole: 'router', vm: false, routeDamping: true },
];
const catalog: KindCatalog = { get: (n) => kinds.find((k) => k.name === n), names: () => kinds.map((k) => k.name) };

function compile(r1: string) {
  const text = `name: d\nnodes:\n  r1: ${r1}\n  r2: { kind: frr, asn: 65002 }\nlinks:\n  - [r1, r2]\n`;
  return compileTopology(parseYamlSource(text, 'lab.yml'), { kinds: catalog });
}

const errors = (r1: string) => compile(r1).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.position?.line}:${d.position?.col} ${d.message}`);

describe('node damping', () => {
  it('true means FRR\'s defaults: 15 min, 750, 2000, four half-lives', () => {
    const lab = compile('{ kind: frr, asn: 65001, damping: true }').lab!;
    expect(lab.nodes[0]!.bgp!.damping).toEqual({ halfLife: 900, reuse: 750, suppress: 2000, maxSuppress: 3600 });
    expect(lab.nodes[1]!.bgp!.damping).toBeUndefined();
  });

  it('times are minutes: a bare number, or 1m / 90s / 1h when whole minutes', () => {
    const lab = compile('{ kind: flatlab-bgpd, asn: 65001, damping: { half-life: 1m, reuse: 1500, suppress: 2000, max-suppress: 4 } }').lab!;
    expect(lab.nodes[0]!.bgp!.damping).toEqual({ halfLife: 60, reuse: 1500, suppress: 2000, maxSuppress: 240 });
    expect(compile('{ kind: frr, asn: 65001, damping: { half-life: 120s, max-suppress: 1h } }').lab!.nodes[0]!.bgp!.damping).toMatchObject({ halfLife: 120, maxSuppress: 3600 });
  });

  it('BIRD (and any kind whose daemon does not damp) is an error that says so, at the key', () => {
    expect(errors('{ kind: bird, asn: 65001, damping: true }')).toEqual([
      'topology.damping-unsupported@3:33 BIRD 2 does not implement route flap damping, so node damping cannot be honoured',
    ]);
    expect(errors('{ kind: linux, damping: true }')[0]).toMatch(/^topology.damping@3:22 kind "linux" does not speak BGP/);
  });

  it('values outside FRR\'s ranges, and settings that cannot work, are located errors', () => {
    expect(errors('{ kind: frr, asn: 65001, damping: { half-life: 90s } }')).toEqual([
      'topology.damping@3:54 half-life "90s" is not a whole number of minutes from 1 to 45',
    ]);
    expect(errors('{ kind: frr, asn: 65001, damping: { half-life: 46 } }')[0]).toMatch(/half-life 46 is not a whole number of minutes from 1 to 45/);
    // suppress was not given: the error is on damping itself.
    expect(errors('{ kind: frr, asn: 65001, damping: { reuse: 2500 } }')).toEqual(['topology.damping@3:41 suppress 2000 is below reuse 2500']);
    expect(errors('{ kind: frr, asn: 65001, damping: { reuse: 100, half-life: 15, max-suppress: 15 } }')[0]).toMatch(/ceiling .* is below suppress 2000/);
    expect(errors('{ kind: frr, asn: 65001, damping: { reuse: 0 } }')).toEqual(['topology.too-small@3:50 nodes.r1.damping.reuse: Too small: expected number to be >=1']);
  });
});
