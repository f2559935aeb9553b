import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseInspect } from '../../../src/runtime/containerlab/inspect.js';

// Field names as containerlab's ContainerDetails declares them (lab_name, labPath, absLabPath,
// name, container_id, image, kind, state, status, ipv4_address, ipv6_address, owner).
const entry = (node: string, state = 'running') => ({
  lab_name: 'demo', labPath: 'clab.yml', absLabPath: '/x/clab.yml', name: `clab-demo-${node}`, container_id: 'a1b2c3d4e5f6',
  image: 'flatlab/host:0.1.0-local', kind: 'linux', state, status: 'Up 3 minutes', ipv4_address: '172.20.20.2/24', ipv6_address: 'N/A', owner: 'root',
});

describe('containerlab inspect --format json', () => {
  it('reads the current shape: an object keyed by lab name', () => {
    expect(parseInspect(JSON.stringify({ demo: [entry('h1'), entry('r1', 'exited')] }), 'demo')).toEqual([
      { labName: 'demo', name: 'clab-demo-h1', node: 'h1', containerId: 'a1b2c3d4e5f6', image: 'flatlab/host:0.1.0-local', kind: 'linux', state: 'running' },
      { labName: 'demo', name: 'clab-demo-r1', node: 'r1', containerId: 'a1b2c3d4e5f6', image: 'flatlab/host:0.1.0-local', kind: 'linux', state: 'exited' },
    ]);
  });

  it('reads the older shape: {"containers": [...]}, keeping only this lab', () => {
    const other = { ...entry('x'), lab_name: 'other', name: 'clab-other-x' };
    expect(parseInspect(JSON.stringify({ containers: [entry('h1'), other] }), 'demo').map((c) => c.node)).toEqual(['h1']);
  });

  it('an absent lab is no containers, whatever containerlab printed', () => {
    expect(parseInspect('{}', 'demo')).toEqual([]);
    expect(parseInspect('', 'demo')).toEqual([]);
    expect(parseInspect('INFO no containers found', 'demo')).toEqual([]);
    expect(parseInspect(JSON.stringify({ other: [entry('h1')] }), 'demo')).toEqual([]);
  });

  it('broken JSON is a typed error', () => {
    expect(() => parseInspect('{"demo": [', 'demo')).toThrow(/cannot read/);
  });

  const nodeName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
  test.prop([fc.uniqueArray(nodeName, { maxLength: 8 }), fc.boolean()])('every container of the lab comes back with its node name, in either shape', (nodes, newer) => {
    const entries = nodes.map((n) => entry(n));
    const text = JSON.stringify(newer ? { demo: entries } : { containers: entries });
    expect(parseInspect(text, 'demo').map((c) => c.node)).toEqual(nodes);
  });
});
