import { describe, expect, it } from 'vitest';
import { ConfigPathError, labFiles, nodeConfigFiles } from '../../src/emit/lab-files.js';
import { fakeWriters } from '../fixtures/emit/fake-writers.js';
import { sampleLab } from '../fixtures/emit/sample-lab.js';

describe('lab files', () => {
  it('lists clab.yml, every node\'s configs and the VM scripts, sorted, with modes', () => {
    const files = labFiles(sampleLab(), fakeWriters);
    expect(files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ['clab.yml', '644'],
      ['configs/r1/bird.conf', '644'],
      ['configs/r2/daemons', '644'],
      ['configs/r2/frr.conf', '644'],
      ['configs/r3/bgpd.yml', '644'],
      ['configs/vm1/node.yml', '644'],
      ['qemu/vm1.sh', '755'],
    ]);
  });

  it('rejects a writer path that escapes the node directory', () => {
    for (const path of ['../x', '/etc/passwd', 'a//b', './a', '']) {
      const writers = { ...fakeWriters, bird: () => [{ path, content: '' }] };
      expect(() => nodeConfigFiles(sampleLab(), writers), path).toThrow(ConfigPathError);
    }
  });

  it('rejects two writers producing the same file', () => {
    const writers = { ...fakeWriters, frr: () => [{ path: 'x', content: '' }, { path: 'x', content: '' }] };
    expect(() => nodeConfigFiles(sampleLab(), writers)).toThrow(/both produce x/);
  });
});
