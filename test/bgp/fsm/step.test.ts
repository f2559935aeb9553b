import { describe, expect, test } from 'vitest';
import { FsmRunner, initialFsmState, step } from '../../../src/bgp/fsm/index.js';
import type { FsmAction, FsmConfig, FsmEvent, FsmState } from '../../../src/bgp/fsm/index.js';
import { config, peerOpen } from './fixtures.js';

function run(events: FsmEvent[], cfg = config): { state: FsmState; actions: FsmAction[][] } {
  let state = initialFsmState();
  const actions: FsmAction[][] = [];
  for (const e of events) {
    const r = step(state, e, cfg);
    state = r.state;
    actions.push(r.actions);
  }
  return { state, actions };
}

describe('FSM happy path', () => {
  test('ManualStart → Connect → OpenSent → OpenConfirm → Established', () => {
    const { state, actions } = run([
      { type: 'ManualStart' },
      { type: 'TcpConnectionConfirmed' },
      { type: 'BGPOpen', open: peerOpen() },
      { type: 'KeepAliveMsg' },
    ]);
    expect(state.name).toBe('Established');
    expect(actions[0]).toContainEqual({ type: 'connect' });
    expect(actions[1]).toContainEqual({ type: 'startTimer', timer: 'Hold', seconds: 240 });
    expect(actions[1]?.some((a) => a.type === 'send' && a.message.type === 'OPEN')).toBe(true);
    expect(actions[2]).toContainEqual({ type: 'startTimer', timer: 'Hold', seconds: 90 });
    expect(actions[2]).toContainEqual({ type: 'startTimer', timer: 'Keepalive', seconds: 30 });
    expect(actions[3]?.some((a) => a.type === 'established')).toBe(true);
  });

  test('runner sends keepalives and expires the hold timer on a silent peer', () => {
    const r = new FsmRunner(config);
    r.handle({ type: 'ManualStart' }, 0);
    r.handle({ type: 'TcpConnectionConfirmed' }, 0);
    r.handle({ type: 'BGPOpen', open: peerOpen() }, 0);
    r.handle({ type: 'KeepAliveMsg' }, 0);
    expect(r.tick(30)).toEqual([{ type: 'send', message: { type: 'KEEPALIVE' } }]);
    const down = r.tick(90);
    expect(down.some((a) => a.type === 'send' && a.message.type === 'NOTIFICATION' && a.message.code === 4)).toBe(true);
    expect(r.state.name).toBe('Idle');
  });
});
