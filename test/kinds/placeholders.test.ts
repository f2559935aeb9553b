import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { getKind } from '../../src/kinds/index.js';
import { effectiveConfig, expandArgv, expandString, PlaceholderError } from '../../src/kinds/placeholders.js';

const values = { config: '/lab/configs/r1', run: '/run/flatlab/r1', lab: '/lab', node: 'r1', nodeConfig: {} };

describe('placeholders', () => {
  it('expands the BIRD launch command', () => {
    const launch = getKind('bird').netns;
    if (!launch || !('processes' in launch)) throw new Error('bird has a netns launch');
    expect(expandArgv(launch.processes[0]!.argv, values)).toEqual(['bird', '-f', '-c', '/lab/configs/r1/bird.conf', '-s', '/run/flatlab/r1/bird.ctl']);
  });

  it('uses kind defaults under node config and repeats flags for lists', () => {
    const kind = getKind('flatlab-hesiod');
    const nodeConfig = effectiveConfig(kind, { map: {}, listen: ['10.0.0.1:53', '[fd00::1]:53'] });
    expect(expandArgv(['flatlab', 'hesiod', '--listen', '{cfg:listen}'], { ...values, nodeConfig })).toEqual(['flatlab', 'hesiod', '--listen', '10.0.0.1:53', '--listen', '[fd00::1]:53']);
    const dns64 = effectiveConfig(getKind('flatlab-dns64'), { upstream: '192.0.2.53' });
    expect(expandString('{cfg:prefix} via {cfg:upstream}', { ...values, nodeConfig: dns64 })).toBe('64:ff9b::/96 via 192.0.2.53');
  });

  it('gives FRR a pathspace named after the node\'s namespace, or the node when there is none', () => {
    const argv = ['/usr/lib/frr/bgpd', '-N', '{netns}'];
    expect(expandArgv(argv, { ...values, netns: 'fl-lab-r1' })).toEqual(['/usr/lib/frr/bgpd', '-N', 'fl-lab-r1']);
    expect(expandArgv(argv, values)).toEqual(['/usr/lib/frr/bgpd', '-N', 'r1']);
  });

  it('names the node and key when a config value is missing', () => {
    expect(() => expandArgv(['{cfg:upstream}'], values)).toThrow(PlaceholderError);
    expect(() => expandString('x {cfg:pool}', values)).toThrow(/node r1 has no config.pool/);
  });

  test.prop([fc.array(fc.string().filter((s) => !s.includes('{')), { maxLength: 8 })])('leaves text without placeholders unchanged', (argv) => {
    expect(expandArgv(argv, values)).toEqual(argv);
  });
});
