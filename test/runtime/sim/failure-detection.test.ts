/** Each end of a direct session notices a dead link as its kind's daemon does on netns. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYamlSource } from '../../../src/config/yaml-source.js';
import { kindCatalog } from '../../../src/kinds/index.js';
import { SimRuntime } from '../../../src/runtime/sim/sim-runtime.js';
import { compileTopology } from '../../../src/topology/pipeline.js';

// r1 (BIRD) watches its interfaces; r2 (GoBGP) and r3 (flatlab bgpd) wait for their hold timer.
const text = stringify({
  name: 'detect',
  addressing: { loopback: { ipv4: '10.255.0.0/24' }, links: { ipv4: '10.0.0.0/24' } },
  nodes: {
    r1: { kind: 'bird', asn: 65001, originate: ['203.0.113.0/24'] },
    r2: { kind: 'gobgp', asn: 65002 },
    r3: { kind: 'flatlab-bgpd', asn: 65003, originate: ['198.51.100.0/24'] },
  },
  links: [['r1', 'r2'], ['r2', 'r3']],
});

async function upLab(): Promise<SimRuntime> {
  const compiled = compileTopology(parseYamlSource(text, 'detect.yml'), { kinds: kindCatalog });
  if (!compiled.lab) throw new Error(compiled.diagnostics.map((d) => d.message).join('\n'));
  const rt = new SimRuntime({ seed: 5 });
  await rt.up(compiled.lab);
  await rt.sleep(10_000);
  return rt;
}

async function state(rt: SimRuntime, node: string, peer: string): Promise<string | undefined> {
  return (await rt.bgpSessions(node)).find((s) => s.peer === peer)?.state;
}

describe('sim failure detection per kind', () => {
  it('BIRD drops at once; GoBGP keeps the session half-open until its hold timer expires', async () => {
    const rt = await upLab();
    expect([await state(rt, 'r1', 'r2'), await state(rt, 'r2', 'r1')]).toEqual(['established', 'established']);
    await rt.setLinkState({ index: 0 }, 'down');
    await rt.sleep(100);
    expect(await state(rt, 'r1', 'r2')).not.toBe('established');
    expect(await state(rt, 'r2', 'r1')).toBe('established');
    expect(await rt.bgpRoutes('r2', '203.0.113.0/24')).not.toEqual([]);
    await rt.sleep(95_000); // past the 90 s hold time
    expect(await state(rt, 'r2', 'r1')).not.toBe('established');
    expect(await rt.bgpRoutes('r2', '203.0.113.0/24')).toEqual([]);
  });

  it('a half-open end is reset when the link returns before its hold timer expires, and the session comes back', async () => {
    const rt = await upLab();
    await rt.setLinkState({ index: 0 }, 'down');
    await rt.sleep(10_000);
    expect(await state(rt, 'r2', 'r1')).toBe('established');
    await rt.setLinkState({ index: 0 }, 'up');
    await rt.sleep(10);
    expect(await state(rt, 'r2', 'r1')).not.toBe('established');
    await rt.sleep(180_000);
    expect([await state(rt, 'r1', 'r2'), await state(rt, 'r2', 'r1')]).toEqual(['established', 'established']);
    expect((await rt.bgpRoutes('r3', '203.0.113.0/24'))[0]).toMatchObject({ asPath: [65002, 65001] });
  });

  it('two ends that do not watch interfaces keep their session through a short outage', async () => {
    const rt = await upLab();
    await rt.setLinkState({ index: 1 }, 'down');
    await rt.sleep(20_000);
    expect([await state(rt, 'r2', 'r3'), await state(rt, 'r3', 'r2')]).toEqual(['established', 'established']);
    await rt.setLinkState({ index: 1 }, 'up');
    // A reset session would still be idle 5 s later (60 s idle hold before reconnecting).
    await rt.sleep(5_000);
    expect([await state(rt, 'r2', 'r3'), await state(rt, 'r3', 'r2')]).toEqual(['established', 'established']);
    expect((await rt.bgpRoutes('r1', '198.51.100.0/24'))[0]).toMatchObject({ asPath: [65002, 65003] });
  });
});
