import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindCatalog } from '../../src/kinds/index.js';
import { loadScenarioFile, type Scenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { junitReport } from '../../src/scenario/reporters/junit.js';
import { textReport } from '../../src/scenario/reporters/text.js';
import type { RouteObservation } from '../../src/runtime/runtime.js';
import { FakeRuntime } from '../support/fake-runtime.js';

const fixtures = join(import.meta.dirname, 'fixtures');

async function load(name: string): Promise<Scenario> {
  const r = await loadScenarioFile(join(fixtures, name), { kinds: kindCatalog });
  if (!r.scenario) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.scenario;
}

const route = (asPath: number[]): RouteObservation => ({ prefix: '203.0.113.0/24', best: true, asPath, nextHop: '10.0.0.1', communities: [], largeCommunities: [], from: asPath.length === 1 ? 'r1' : 'r2' });

/** r3 learns the route directly at t=3s; after the link goes down, via r2 from t=+20s. */
function convergingRuntime(): FakeRuntime {
  const rt = new FakeRuntime();
  let downAt: number | undefined;
  const orig = rt.setLinkState.bind(rt);
  rt.setLinkState = async (l, s) => {
    await orig(l, s);
    if (s === 'down') downAt = rt.clock;
  };
  rt.routes = (_node, now) => {
    if (downAt === undefined) return now >= 3000 ? [route([65001])] : [];
    return now >= downAt + 20_000 ? [route([65002, 65001])] : [];
  };
  rt.sessions = () => [{ peer: 'r1', peerAddress: '10.0.0.0', peerAsn: 65001, state: 'established' }];
  return rt;
}

describe('runScenario', () => {
  it('passes when checks converge within their budgets, on the runtime clock', async () => {
    const rt = convergingRuntime();
    const result = await runScenario(await load('reroute.yml'), rt, { pollIntervalMs: 1000 });
    expect(result.status).toBe('passed');
    expect(result.steps.map((s) => s.status)).toEqual(Array(7).fill('passed'));
    expect(result.steps[1]!.attempts).toBe(4); // t = 0, 1, 2, 3 s
    expect(rt.calls).toContain('link 2 down'); // r1:r3 is the third link
    expect(rt.calls.filter((c) => c === 'down')).toHaveLength(2); // the step, then the final cleanup
  });

  it('fails with what was expected, what was seen last and for how long', async () => {
    const rt = convergingRuntime();
    rt.routes = () => [route([65001])]; // never reroutes
    const result = await runScenario(await load('reroute.yml'), rt, { pollIntervalMs: 1000 });
    expect(result.status).toBe('failed');
    const failed = result.steps[3]!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 61, description: 'r3 reroutes through r2' });
    expect(failed.message).toBe(
      'expected best route for 203.0.113.0/24 with as-path [65002 65001]; observed as-path [65001], next-hop 10.0.0.1, from r1 (differs in as-path) (tried 61 times over 1m)',
    );
    expect(result.steps.slice(4).every((s) => s.status === 'skipped')).toBe(true);
    expect(rt.calls.at(-1)).toBe('down'); // cleaned up although the scenario failed
    const text = textReport([result]);
    expect(text).toContain('expected: best route for 203.0.113.0/24 with as-path [65002 65001]');
    expect(text).toContain(`at ${join(fixtures, 'reroute.yml')}:8:5`);
    expect(text).toContain('tried:    61 times over 1m');
    expect(text).toContain('0/1 scenario passed');
  });

  it('fails a step the runtime cannot do, naming the runtimes that can', async () => {
    const s = await load('reroute.yml');
    s.steps.splice(1, 0, { kind: 'exec', args: { node: 'h1', command: 'true', exit: 0 }, position: s.steps[0]!.position });
    const result = await runScenario(s, convergingRuntime());
    expect(result.steps[1]).toMatchObject({ status: 'failed', message: 'step "exec on h1: true" cannot run on the sim runtime', hint: 'run this scenario with --runtime netns or --runtime containerlab' });
  });

  it('reports a runtime exception as an error and still cleans up', async () => {
    const rt = convergingRuntime();
    rt.failOn = 'link';
    const result = await runScenario(await load('reroute.yml'), rt);
    expect(result.status).toBe('error');
    expect(result.steps[2]).toMatchObject({ status: 'error', message: 'injected failure in link 2 down' });
    expect(rt.calls.at(-1)).toBe('down');
  });

  it('stops at once when aborted (Ctrl-C) and tears down', async () => {
    const rt = convergingRuntime();
    const ac = new AbortController();
    ac.abort(new Error('interrupted'));
    const result = await runScenario(await load('reroute.yml'), rt, { signal: ac.signal });
    expect(result.status).toBe('failed');
    expect(result.steps[0]).toMatchObject({ status: 'failed', message: 'interrupted' });
    expect(result.steps.slice(1).every((s) => s.status === 'skipped')).toBe(true);
    expect(rt.calls).toEqual(['down']);
  });

  it('fails, not passes, when interrupted between two steps', async () => {
    const rt = convergingRuntime();
    const ac = new AbortController();
    const result = await runScenario(await load('reroute.yml'), rt, {
      signal: ac.signal,
      pollIntervalMs: 1000,
      onStep: (e) => {
        if (e.phase === 'end' && e.index === 1) ac.abort(new Error('interrupted by SIGINT; cleaning up'));
      },
    });
    expect(result.status).toBe('failed');
    expect(result.steps.slice(0, 2).map((s) => s.status)).toEqual(['passed', 'passed']);
    expect(result.steps[2]).toMatchObject({ status: 'failed', message: 'interrupted by SIGINT; cleaning up' });
    expect(result.steps.slice(3).every((s) => s.status === 'skipped')).toBe(true);
    expect(rt.calls.at(-1)).toBe('down');
    expect(textReport([result])).toContain('0/1 scenario passed');
  });

  it('writes JUnit XML that counts failures and escapes text', async () => {
    const rt = convergingRuntime();
    rt.routes = () => [];
    const result = await runScenario(await load('reroute.yml'), rt, { pollIntervalMs: 10_000 });
    const xml = junitReport([result]);
    expect(xml).toMatch(/<testsuite name="r1-r3 link failure reroutes via r2"[^>]* tests="7" failures="1" errors="0" skipped="5"/);
    expect(xml).toContain('<failure message="expected best route for 203.0.113.0/24 with as-path [65001]; observed no route (tried 4 times over 30s)">');
    expect(junitReport([{ ...result, name: 'a<b & "c"' }])).toContain('name="a&lt;b &amp; &quot;c&quot;"');
  });
});
