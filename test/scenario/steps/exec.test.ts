import { describe, expect, it } from 'vitest';
import { exec } from '../../../src/scenario/steps/exec.js';

describe('exec step description', () => {
  it('is one line for a script of several lines, as every other step\'s', () => {
    const script = 'ping -6 -c 1 -W 1 2001:db8:1::1 >/dev/null\nmac=$(ip -6 neigh show 2001:db8:1::1 dev eth1)\n! ping -c 3 93.184.216.3\n';
    expect(exec.describe({ node: 'c1', command: script, exit: 0 })).toBe('exec on c1: ping -6 -c 1 -W 1 2001:db8:1::1 >/dev/null … (3 lines)');
  });

  it('shows a one-line command and an argv list whole', () => {
    expect(exec.describe({ node: 'c1', command: 'busybox wget -q -O - http://[64:ff9b::5db8:d803]/\n', exit: 0 })).toBe('exec on c1: busybox wget -q -O - http://[64:ff9b::5db8:d803]/');
    expect(exec.describe({ node: 'h1', command: ['ip', '-br', 'addr'], exit: 0 })).toBe('exec on h1: ip -br addr');
  });
});
