import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { kindCatalog } from '../../src/kinds/index.js';
import { loadScenarioFile, type Scenario } from '../../src/scenario/load.js';
import { jsonReport } from '../../src/scenario/reporters/json.js';
import { junitReport } from '../../src/scenario/reporters/junit.js';
import { textReport } from '../../src/scenario/reporters/text.js';
import { runScenario } from '../../src/scenario/run.js';
import { FakeRuntime } from '../support/fake-runtime.js';

const fixtures = join(import.meta.dirname, 'fixtures');

async function load(name: string): Promise<Scenario> {
  const r = await loadScenarioFile(join(fixtures, name), { kinds: kindCatalog });
  if (!r.scenario) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.scenario;
}

function established(rt: FakeRuntime): FakeRuntime {
  rt.sessions = () => [{ peer: 'r1', peerAddress: '10.0.0.4', peerAsn: 65001, state: 'established' }];
  return rt;
}

describe('only: (steps for some runtimes)', () => {
  it('loads the runtime list, a single name as a list of one', async () => {
    const s = await load('only.yml');
    expect(s.steps.map((x) => x.only)).toEqual([undefined, ['netns', 'containerlab'], ['sim'], undefined]);
  });

  it('reports unknown runtimes and empty or malformed lists at file:line:col', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(join(fixtures, 'bad-only.yml'), { kinds: kindCatalog });
    expect(scenario).toBeUndefined();
    const lines = diagnostics.map((d) => formatDiagnostic({ ...d, position: d.position && { ...d.position, file: d.position.file.replace(`${fixtures}/`, '') } }).split('\n')[0]);
    expect(lines).toEqual([
      'bad-only.yml:6:19: unknown runtime "simm" in only:; did you mean "sim"? [scenario.bad-only]',
      'bad-only.yml:8:11: only: takes a runtime name or a non-empty list of them [scenario.bad-only]',
      'bad-only.yml:10:11: only: takes a runtime name or a non-empty list of them [scenario.bad-only]',
    ]);
  });

  it('skips a step on the runtimes it leaves out, without failing the scenario, and says why', async () => {
    const rt = established(new FakeRuntime('sim'));
    const seen: string[] = [];
    const result = await runScenario(await load('only.yml'), rt, { onStep: (e) => seen.push(`${e.phase} ${e.index}`) });
    expect(result.status).toBe('passed');
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'skipped', 'passed', 'passed']);
    expect(result.steps[1]).toMatchObject({ message: 'skipped on sim (netns/containerlab-only step)', only: ['netns', 'containerlab'] });
    expect(rt.calls.some((c) => c.startsWith('exec'))).toBe(false);
    expect(seen).toContain('end 1'); // progress output shows the skip as it happens
  });

  it('runs the step where it is listed and skips the others there', async () => {
    const rt = established(new FakeRuntime('netns', ['bgp', 'exec']));
    const result = await runScenario(await load('only.yml'), rt);
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'skipped', 'passed']);
    expect(result.steps[2]!.message).toBe('skipped on netns (sim-only step)');
    expect(rt.calls).toContain('exec h1 sh -c true');
  });

  it('names the reason in every reporter', async () => {
    const result = await runScenario(await load('only.yml'), established(new FakeRuntime('sim')));
    expect(textReport([result])).toContain('  skip  2. exec on h1: true: skipped on sim (netns/containerlab-only step)\n');
    expect(junitReport([result])).toContain('<skipped message="skipped on sim (netns/containerlab-only step)"/>');
    const json = JSON.parse(jsonReport([result])) as { passed: boolean; scenarios: Array<{ steps: Array<{ status: string; message?: string; only?: string[] }> }> };
    expect(json.passed).toBe(true);
    expect(json.scenarios[0]!.steps[1]).toMatchObject({ status: 'skipped', message: 'skipped on sim (netns/containerlab-only step)', only: ['netns', 'containerlab'] });
  });

  it('still marks steps after a failure as skipped because of it', async () => {
    const rt = new FakeRuntime('sim'); // no sessions: the sim-only check fails
    const result = await runScenario(await load('only.yml'), rt);
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'skipped', 'failed', 'skipped']);
    expect(result.steps[3]!.only).toBeUndefined();
    expect(junitReport([result])).toContain('<skipped message="an earlier step failed"/>');
  });
});
