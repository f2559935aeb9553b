import { describe, expect, it } from 'vitest';
import { httpConfig, nftablesConfig } from '../../src/emit/host-services.js';
import type { Lab, LabNode } from '../../src/topology/lab.js';

const lab = { name: 'l' } as Lab;
const node = (config: Record<string, unknown>) => ({ name: 'edge', config }) as unknown as LabNode;

describe('host service writers', () => {
  it('writes nftables.nft only for nodes with a ruleset, with a header and a final newline', () => {
    expect(nftablesConfig(lab, node({}))).toEqual([]);
    const [f] = nftablesConfig(lab, node({ nftables: 'table inet t {\n}' }));
    expect(f?.path).toBe('nftables.nft');
    expect(f?.content).toBe('# nftables ruleset for node edge of lab l, written by flatlab generate; edits are overwritten.\ntable inet t {\n}\n');
  });

  it('writes www/index.html only for nodes with a page', () => {
    expect(httpConfig(lab, node({}))).toEqual([]);
    expect(httpConfig(lab, node({ http: 'hello' }))).toEqual([{ path: 'www/index.html', content: 'hello\n' }]);
  });
});
