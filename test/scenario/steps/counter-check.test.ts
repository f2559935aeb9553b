import { describe, expect, it } from 'vitest';
import { counter, parseNftCounters } from '../../../src/scenario/steps/counter-check.js';
import type { StepRunContext } from '../../../src/scenario/step.js';
import type { Lab } from '../../../src/topology/lab.js';
import { FakeRuntime } from '../../support/fake-runtime.js';

// `nft -j list counters` as nftables 1.0.6 prints it.
const listing = JSON.stringify({
  nftables: [
    { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    { counter: { family: 'inet', name: 'v4-drop', table: 'flatlab-edge', handle: 2, packets: 3, bytes: 252 } },
    { counter: { family: 'ip', name: 'seen', table: 'a', handle: 3, packets: 1, bytes: 60 } },
    { counter: { family: 'ip6', name: 'seen', table: 'b', handle: 4, packets: 2, bytes: 120 } },
  ],
});

function ctx(stdout: string, exitCode = 0): StepRunContext {
  const runtime = new FakeRuntime('netns', ['exec']);
  runtime.execResult = { exitCode, stdout, stderr: exitCode ? 'Error: No such file or directory' : '' };
  return { runtime, lab: { nodes: [] } as unknown as Lab, signal: new AbortController().signal, baseDir: '.', log: () => {} };
}

const args = (a: Record<string, unknown>) => counter.args.parse(a);

describe('counter step', () => {
  it('reads named counters from nft JSON', () => {
    expect(parseNftCounters(listing).map((c) => `${c.family} ${c.table} ${c.name} ${c.packets}`)).toEqual(['inet flatlab-edge v4-drop 3', 'ip a seen 1', 'ip6 b seen 2']);
  });

  it('checks packets or bytes against min and max', async () => {
    expect((await counter.observe(args({ node: 'edge', name: 'v4-drop', min: 3 }), ctx(listing))).ok).toBe(true);
    expect((await counter.observe(args({ node: 'edge', name: 'v4-drop', min: 4 }), ctx(listing))).ok).toBe(false);
    expect((await counter.observe(args({ node: 'edge', name: 'v4-drop', max: 0 }), ctx(listing))).observed).toContain('3 packets, 252 bytes');
    expect((await counter.observe(args({ node: 'edge', name: 'v4-drop', of: 'bytes', min: 252, max: 252 }), ctx(listing))).ok).toBe(true);
  });

  it('says what it saw when the counter is missing, ambiguous, or nft fails', async () => {
    expect((await counter.observe(args({ node: 'edge', name: 'nope', min: 1 }), ctx(listing))).observed).toContain('counters: inet flatlab-edge v4-drop');
    expect((await counter.observe(args({ node: 'edge', name: 'seen', min: 1 }), ctx(listing))).observed).toContain('give table: and family:');
    expect((await counter.observe(args({ node: 'edge', name: 'seen', family: 'ip6', min: 2 }), ctx(listing))).ok).toBe(true);
    expect((await counter.observe(args({ node: 'edge', name: 'v4-drop', min: 1 }), ctx('', 1))).observed).toContain('failed (exit 1)');
  });

  it('needs exec, which sim lacks', () => {
    expect(counter.needs(args({ node: 'edge', name: 'x', min: 1 }))).toEqual(['exec']);
  });
});
