// The sim's in-process UPDATE records (SimRuntimeOptions.updates 'records': no encode/decode,
// coalesced flush per instant) must give the routes and sessions the byte path gives.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYamlSource } from '../../../src/config/yaml-source.js';
import { kindCatalog } from '../../../src/kinds/index.js';
import type { Lab } from '../../../src/topology/lab.js';
import { SimRuntime } from '../../../src/runtime/sim/sim-runtime.js';
import { seededRandom } from '../../../src/runtime/sim/random.js';
import { compileTopology } from '../../../src/topology/pipeline.js';
import { linkSet } from '../../support/link-set.js';
import { compiledLab } from '../../support/compiled-lab.js';

/** 8 ASes of 3 routers (iBGP inside, eBGP between), dual-stack, a v4 and a v6 prefix each, an export policy on some. */
function randomLab(seed: number): Lab {
  const rand = seededRandom(seed);
  const pick = (n: number) => Math.floor(rand.next() * n);
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < 24; i++) {
    const originate = [`198.18.${i}.0/24`, `2001:db8:${i.toString(16)}::/48`];
    nodes[`r${i}`] = { asn: 65001 + Math.floor(i / 3), originate, ...(i % 5 === 0 ? { export: 'prepend-some' } : {}) };
  }
  const { links, add } = linkSet();
  for (let i = 1; i < 24; i++) add(i, i % 3 === 0 ? pick(i) : i - 1);
  for (let t = 0; t < 200 && links.length < 40; t++) add(pick(24), pick(24));
  const policies = {
    // Path-independent, so the lab converges (a preference that depends on the path can oscillate).
    'prepend-some': [
      { match: { prefix: ['198.18.0.0/20 le 24'] }, set: { prepend: 2, med: 50, 'community-add': ['65000:7'] }, action: 'accept' },
      { action: 'accept' },
    ],
  };
  const text = stringify({
    name: 'records',
    addressing: { loopback: { ipv4: '10.255.0.0/24', ipv6: 'fd00:ff::/64' }, links: { ipv4: '10.0.0.0/22', ipv6: 'fd00:1::/48' } },
    defaults: { kind: 'flatlab-bgpd' },
    nodes,
    links,
    policies,
  });
  const r = compileTopology(parseYamlSource(text, 'records.yml'), { kinds: kindCatalog });
  if (!r.lab) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.lab;
}

/** Every node's sessions and Loc-RIB after each step of a fixed script of failures. */
async function trace(lab: Lab, updates: 'records' | 'bytes', seed: number): Promise<unknown[]> {
  const rt = new SimRuntime({ seed, updates });
  await rt.up(lab);
  const names = lab.nodes.filter((n) => n.bgp).map((n) => n.name);
  const snapshot = async () => {
    const out: Record<string, unknown> = {};
    for (const n of names) out[n] = { sessions: (await rt.bgpSessions(n)).map((s) => [s.peer, s.state, s.prefixesAccepted]), routes: await rt.bgpRoutes(n, undefined) };
    return out;
  };
  const snaps = [];
  await rt.sleep(30_000);
  snaps.push(await snapshot());
  await rt.setLinkState({ index: 0 }, 'down');
  await rt.setLinkState({ index: 3 }, 'down');
  await rt.sleep(120_000);
  snaps.push(await snapshot());
  await rt.setLinkState({ index: 0 }, 'up');
  await rt.stopNode(names[1]!);
  await rt.sleep(120_000);
  snaps.push(await snapshot());
  await rt.setLinkState({ index: 3 }, 'up');
  await rt.startNode(names[1]!);
  await rt.sleep(180_000);
  snaps.push(await snapshot());
  return snaps;
}

describe('sim UPDATE records', () => {
  it('a random dual-stack lab with iBGP, eBGP and policy ends in the same state as over bytes, step by step', async () => {
    const lab = randomLab(7);
    const records = await trace(lab, 'records', 5);
    expect(records[0]).not.toEqual({});
    // Something was learned, or the comparison proves nothing.
    const first = records[0] as Record<string, { routes: unknown[] }>;
    expect(Object.values(first).every((n) => n.routes.length >= 40)).toBe(true);
    expect(records).toEqual(await trace(lab, 'bytes', 5));
  });

  it('the backbone (route reflectors, policies, MED, damping) ends in the same state as over bytes', async () => {
    const lab = await compiledLab(join(import.meta.dirname, '../../../topologies/bgp-backbone.yml'));
    expect(await trace(lab, 'records', 1)).toEqual(await trace(lab, 'bytes', 1));
  });

  it('is deterministic: the same seed gives the same events and routes', async () => {
    const lab = randomLab(11);
    const run = async () => {
      const lines: string[] = [];
      const rt = new SimRuntime({ seed: 3, log: (l) => lines.push(l) });
      await rt.up(lab);
      await rt.sleep(20_000);
      return { lines, events: rt.eventsExecuted(), routes: await rt.bgpRoutes('r5', undefined) };
    };
    expect(await run()).toEqual(await run());
  });
});
