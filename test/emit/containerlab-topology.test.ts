/**
 * Property: for random valid topology files, compiled by the real topology compiler and
 * emitted with the real config writers, clab.yml validates against containerlab's schema.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { labFiles } from '../../src/emit/lab-files.js';
import { kindCatalog } from '../../src/kinds/index.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { clabSchemaErrors } from '../support/clab-schema.js';

const kinds = ['linux', 'bird', 'frr', 'gobgp', 'bridge', 'flatracoon-os', 'zerotier'] as const;
const bgpKinds = new Set(['bird', 'frr', 'gobgp']);

export const arbitraryTopologyText = fc
  .record({
    nodes: fc.array(fc.record({ kind: fc.constantFrom(...kinds), asn: fc.constantFrom(65001, 65002, 65003) }), { minLength: 2, maxLength: 10 }),
    links: fc.array(fc.uniqueArray(fc.nat(50), { minLength: 2, maxLength: 4 }), { maxLength: 14 }),
  })
  .map(({ nodes, links }) => {
    const names = nodes.map((_, i) => `n${i}`);
    const topo = {
      name: 'prop',
      nodes: Object.fromEntries(
        nodes.map((n, i) => [
          names[i],
          {
            kind: n.kind,
            ...(bgpKinds.has(n.kind) ? { asn: n.asn } : {}),
            ...(n.kind === 'zerotier' ? { config: { network: '8056c2e21c000001' } } : {}),
          },
        ]),
      ),
      links: [] as unknown[],
    };
    const seen = new Set<string>();
    for (const raw of links) {
      const members = [...new Set(raw.map((r) => names[r % names.length]!))];
      const key = [...members].sort().join(',');
      if (members.length < 2 || seen.has(key)) continue;
      seen.add(key);
      topo.links.push(members.length === 2 ? members : { endpoints: members });
    }
    return stringify(topo);
  });

describe('containerlab output of compiled topologies', () => {
  test.prop([arbitraryTopologyText], { numRuns: 60 })('always validates against the containerlab schema', (text) => {
    const { lab, diagnostics } = compileTopology(parseYamlSource(text, 'prop.yml'), { kinds: kindCatalog });
    expect(diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
    const clab = labFiles(lab!).find((f) => f.path === 'clab.yml')!;
    expect(clabSchemaErrors(parse(clab.content))).toEqual([]);
  });
});
