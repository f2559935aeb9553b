import { describe, expect, it } from 'vitest';
import { BrokenPaths, repairData } from '../../src/topology/partial.js';
import { topologySchema } from '../../src/topology/schema.js';
import { errorsOf } from './compile-helper.js';

function repair(data: unknown) {
  const broken = new BrokenPaths();
  const r = topologySchema.safeParse(data);
  if (r.success) throw new Error('expected schema errors');
  return { data: repairData(data, r.error.issues, broken) as Record<string, unknown>, broken };
}

describe('repair after schema errors', () => {
  it('drops unknown keys, keeps broken nodes and links as inert placeholders, removes other bad values', () => {
    const { data, broken } = repair({
      name: 'x',
      extra: 1,
      defaults: { kind: 5, asn: 65000 },
      nodes: { a: { kind: 'bird', kidn: 'x' }, b: { asn: 'many' } },
      links: [['a', 'b'], { endpoints: 'a-b' }],
      policies: { p: [{ action: 'accept' }, { action: 'maybe' }] },
    });
    expect(data.extra).toBeUndefined();
    expect(data.defaults).toEqual({ asn: 65000 });
    expect(data.nodes).toEqual({ a: { kind: 'bird' }, b: null });
    expect((data.links as unknown[])[0]).toEqual(['a', 'b']);
    expect((data.policies as Record<string, unknown[]>).p).toEqual([{ action: 'accept' }, { action: 'accept' }]);
    expect(topologySchema.safeParse(data).success).toBe(true);
    expect(broken.covers(['nodes', 'b', 'kind'])).toBe(true);
    expect(broken.covers(['nodes', 'a'])).toBe(false);
    expect(broken.covers(['links', 1, 'endpoints', 0])).toBe(true);
    expect(broken.has(['defaults', 'kind'])).toBe(true);
  });

  it('says nothing more about a broken value, but checks everything else', () => {
    // links[1] is broken (a string endpoint list): no unknown-node error for it, but links[2] is still checked.
    expect(errorsOf('name: t\ndefaults: { kind: bird, asn: 1 }\nnodes: { a: {}, b: {} }\nlinks:\n  - [a, b]\n  - { endpoints: a }\n  - [a, c]\n')).toEqual([
      'topology.wrong-type@6:18',
      'topology.unknown-node@7:9',
    ]);
    // a broken defaults.kind does not make every node "kind-less".
    expect(errorsOf('name: t\ndefaults: { kind: 5 }\nnodes: { a: {}, b: {} }\n')).toEqual(['topology.wrong-type@2:19']);
  });
});
