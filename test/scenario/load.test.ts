import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { kindCatalog } from '../../src/kinds/index.js';
import { loadScenarioFile } from '../../src/scenario/load.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const rel = (p: string) => p.replace(`${fixtures}/`, '');

describe('loadScenarioFile', () => {
  it('loads steps with positions, durations and includes expanded in place', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(join(fixtures, 'reroute.yml'), { kinds: kindCatalog });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(scenario!.lab.name).toBe('triangle');
    expect(scenario!.steps.map((s) => s.kind)).toEqual(['up', 'expect', 'link-down', 'expect', 'expect', 'wait', 'down']);
    expect(scenario!.steps[1]).toMatchObject({ withinMs: 30_000, position: { line: 5, col: 5 } });
    expect(scenario!.steps[3]).toMatchObject({ withinMs: 60_000, label: 'r3 reroutes through r2' });
    expect(rel(scenario!.steps[4]!.position.file)).toBe('common/sessions.yml');
    expect(scenario!.steps[4]!.withinMs).toBeUndefined();
  });

  it('reports every mistake at once with file:line:col and hints', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(join(fixtures, 'broken.yml'), { kinds: kindCatalog });
    expect(scenario).toBeUndefined();
    const lines = diagnostics.map((d) => formatDiagnostic({ ...d, position: d.position && { ...d.position, file: rel(d.position.file) } }).split('\n')[0]);
    expect(lines).toEqual([
      'broken.yml:4:5: unknown step "upp"; did you mean "up"? [scenario.unknown-step]',
      'broken.yml:5:16: "r9" is neither a node nor an interface of "r1"; did you mean "r2"? [scenario.invalid-step]',
      'broken.yml:6:22: missing required key "prefix" in steps[2].expect.route [scenario.missing-key]',
      'broken.yml:6:34: unknown key "prefx" in steps[2].expect.route; did you mean "prefix"? [scenario.unknown-key]',
      'broken.yml:7:42: the lab has no BGP session between "r1" and "h1" [scenario.invalid-step]',
      'broken.yml:8:11: "5 minutes" is not a duration [scenario.invalid-step]',
      'broken.yml:10:13: within: applies to checks; "stop" is an action [scenario.within-on-action]',
      'broken.yml:11:33: loss "200%" is not valid [scenario.invalid-step]',
      'broken.yml:12:14: cannot read ' + join(fixtures, 'common/missing.yml') + ': no such file [scenario.include-unreadable]',
      'broken.yml:13:5: one step per list item, found up, down [scenario.step-shape]',
    ]);
  });

  it('says where within: goes when it is written inside the step\'s map', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(join(fixtures, 'within-inside.yml'), { kinds: kindCatalog });
    expect(scenario).toBeUndefined();
    expect(diagnostics).toEqual([expect.objectContaining({
      code: 'scenario.unknown-key',
      message: 'unknown key "within" in steps[1].expect',
      position: expect.objectContaining({ line: 5, col: 48 }),
      hint: 'within: belongs beside "expect:", not inside it: end the expect map before it and put "within:" on the next line, indented like "expect:"',
    })]);
  });

  it('detects include cycles', async () => {
    const { diagnostics } = await loadScenarioFile(join(fixtures, 'cycle-a.yml'), { kinds: kindCatalog });
    expect(diagnostics.map((d) => d.code)).toContain('scenario.include-cycle');
  });

  it('reports an invalid topology at the topology key and lists its errors', async () => {
    const { diagnostics } = await loadScenarioFile(join(fixtures, 'bad-topology.yml'), { kinds: kindCatalog });
    expect(diagnostics.find((d) => d.code === 'scenario.topology-invalid')).toMatchObject({ position: { line: 2, col: 11 } });
    expect(diagnostics.some((d) => d.position?.file.endsWith('bad-topo.yml'))).toBe(true);
  });
});
