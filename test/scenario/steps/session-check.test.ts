import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../src/runtime/runtime.js';
import { observeSession, sessionArgs } from '../../../src/scenario/steps/session-check.js';
import type { StepRunContext } from '../../../src/scenario/step.js';
import type { Lab } from '../../../src/topology/lab.js';
import { FakeRuntime } from '../../support/fake-runtime.js';

function ctxWith(state: SessionState): StepRunContext {
  const runtime = new FakeRuntime();
  runtime.sessions = () => [{ peer: 'rr1', peerAddress: '10.255.0.1', peerAsn: 65000, state }];
  return { runtime, lab: {} as Lab, signal: new AbortController().signal, baseDir: '.', log: () => {} };
}

describe('session state down', () => {
  const states: SessionState[] = ['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'];
  it.each(states)('matches %s only when it is not established', async (state) => {
    const r = await observeSession(sessionArgs.parse({ node: 't1', peer: 'rr1', state: 'down' }), ctxWith(state));
    expect(r.ok).toBe(state !== 'established');
    expect(r.observed).toContain(`state ${state}`);
  });

  it('an exact state still needs that state', async () => {
    expect((await observeSession(sessionArgs.parse({ node: 't1', peer: 'rr1', state: 'idle' }), ctxWith('active'))).ok).toBe(false);
  });
});
