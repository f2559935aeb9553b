import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindCatalog } from '../../../src/kinds/index.js';
import { loadScenarioFile } from '../../../src/scenario/load.js';
import { runScenario } from '../../../src/scenario/run.js';
import { SimRuntime } from '../../../src/runtime/sim/sim-runtime.js';
import { compiledLab } from '../../support/compiled-lab.js';

const scenarios = join(import.meta.dirname, '../../scenario/fixtures');

const lab = compiledLab;

describe('SimRuntime', () => {
  it('establishes eBGP sessions and propagates an originated prefix in virtual time', async () => {
    const rt = new SimRuntime({ seed: 1 });
    await rt.up(await lab(join(scenarios, 'triangle.yml')));
    await rt.sleep(10_000);
    const sessions = await rt.bgpSessions('r2');
    // One session per address family on each dual-stack link.
    expect(sessions.map((s) => [s.peer, s.state]).sort()).toEqual([['r1', 'established'], ['r1', 'established'], ['r3', 'established'], ['r3', 'established']]);
    const [route] = await rt.bgpRoutes('r3', '203.0.113.0/24');
    expect(route).toMatchObject({ asPath: [65001], from: 'r1' });
  });

  it('runs a scenario: link failure reroutes, in milliseconds of wall time', async () => {
    const { scenario } = await loadScenarioFile(join(scenarios, 'reroute.yml'), { kinds: kindCatalog });
    const t0 = Date.now();
    const result = await runScenario(scenario!, new SimRuntime({ seed: 1 }));
    expect(result.steps.filter((s) => s.status !== 'passed')).toEqual([]);
    expect(result.status).toBe('passed');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('a stopped node withdraws its routes from the others; started again it returns', async () => {
    const rt = new SimRuntime({ seed: 3 });
    await rt.up(await lab(join(scenarios, 'triangle.yml')));
    await rt.sleep(10_000);
    await rt.stopNode('r1');
    await rt.sleep(5_000);
    expect(await rt.bgpRoutes('r3', '203.0.113.0/24')).toEqual([]);
    expect((await rt.bgpSessions('r2')).find((s) => s.peer === 'r1')?.state).not.toBe('established');
    await rt.startNode('r1');
    // The peers restart their sessions after the idle hold time (60 s, like BIRD's error wait time).
    await rt.sleep(90_000);
    expect((await rt.bgpRoutes('r3', '203.0.113.0/24'))[0]).toMatchObject({ asPath: [65001] });
  });

  it('is deterministic for a seed', async () => {
    const trace = async () => {
      const lines: string[] = [];
      const rt = new SimRuntime({ seed: 9, log: (l) => lines.push(l) });
      await rt.up(await lab(join(scenarios, 'triangle.yml')));
      await rt.sleep(20_000);
      return lines;
    };
    const a = await trace();
    expect(a.length).toBeGreaterThan(0);
    expect(await trace()).toEqual(a);
  });
});
