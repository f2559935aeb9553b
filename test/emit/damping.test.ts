/** Route flap damping in the config writers: FRR's `bgp dampening` in minutes, bgpd.yml's `damping:` in seconds. */
import { describe, expect, test } from 'vitest';
import { frrConfig } from '../../src/emit/frr.js';
import { bgpdConfig } from '../../src/emit/bgpd.js';
import { dampingOf, parseBgpdConfig } from '../../src/bgp/daemon/config.js';
import { ValidationError } from '../../src/config/diagnostics.js';
import { fixtureLab, labNode } from './fixture-lab.js';

const LAB = { halfLife: 60, reuse: 1500, suppress: 2000, maxSuppress: 240 };

describe('damping in the config writers', () => {
  test('FRR: bgp dampening HALF REUSE SUPPRESS MAX in every address family, times in minutes', () => {
    const lab = fixtureLab();
    const r2 = labNode(lab, 'r2');
    expect(frrConfig(lab, r2)[0]!.content).not.toContain('dampening');
    r2.bgp!.damping = LAB;
    const text = frrConfig(lab, r2)[0]!.content;
    const blocks = text.split(' address-family ').slice(1);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(b).toContain('\n  bgp dampening 1 1500 2000 4\n');
  });

  test('flatlab bgpd: damping: in seconds, read back by the bgpd.yml schema as the same settings', () => {
    const lab = fixtureLab();
    const r4 = labNode(lab, 'r4');
    expect(parseBgpdConfig(bgpdConfig(lab, r4)[0]!.content, 'r4/bgpd.yml').damping).toBeUndefined();
    r4.bgp!.damping = LAB;
    const content = bgpdConfig(lab, r4)[0]!.content;
    expect(content).toContain('damping:\n  half-life: 60\n  reuse: 1500\n  suppress: 2000\n  max-suppress: 240\n');
    expect(dampingOf(parseBgpdConfig(content, 'r4/bgpd.yml'))).toEqual(LAB);
  });

  test('bgpd.yml: damping defaults are FRR\'s; impossible settings are located errors', () => {
    const base = 'router-id: 10.0.0.1\nasn: 65001\n';
    expect(dampingOf(parseBgpdConfig(`${base}damping: {}\n`, 'b.yml'))).toEqual({ halfLife: 900, reuse: 750, suppress: 2000, maxSuppress: 3600 });
    try {
      parseBgpdConfig(`${base}damping:\n  reuse: 3000\n`, 'b.yml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      const d = (err as ValidationError).diagnostics;
      expect(d.map((x) => `${x.position?.line}:${x.position?.col} ${x.message}`)).toEqual([expect.stringMatching(/^4:3 damping: suppress 2000 is below reuse 3000|^3:1 damping: suppress 2000 is below reuse 3000/)]);
    }
  });
});
