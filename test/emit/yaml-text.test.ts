import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parse, stringify } from 'yaml';
import { toYaml, yamlScalar } from '../../src/emit/yaml-text.js';

const jsonData = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('toYaml', () => {
  test.prop([jsonData], { numRuns: 500 })('reads back as the same data (YAML 1.2)', (v) => {
    expect(parse(toYaml(v))).toEqual(v);
  });

  test.prop([jsonData], { numRuns: 300 })('reads back as the same data under YAML 1.1 rules (Go readers)', (v) => {
    expect(parse(toYaml(v), { version: '1.1' })).toEqual(v);
  });

  test.prop([fc.string({ unit: fc.constantFrom(...'ab01:.-_ #yYnN/@%~,=+\'"[]{}&*!|>?`\n\t'.split('')) })], { numRuns: 1000 })('quotes every string that would not read back as itself', (s) => {
    expect(parse(`k: ${yamlScalar(s)}\n`)).toEqual({ k: s });
    expect(parse(`k: ${yamlScalar(s)}\n`, { version: '1.1' })).toEqual({ k: s });
  });

  it('leaves ordinary lab strings plain and quotes the tricky ones', () => {
    expect(yamlScalar('r1:eth1')).toBe('r1:eth1');
    expect(yamlScalar('10.0.0.0/31')).toBe('10.0.0.0/31');
    expect(yamlScalar('configs/r1/bird.conf:/etc/bird/bird.conf:ro')).toBe('configs/r1/bird.conf:/etc/bird/bird.conf:ro');
    expect(yamlScalar('1')).toBe('"1"');
    expect(yamlScalar('1:20')).toBe('"1:20"');
    expect(yamlScalar('yes')).toBe('"yes"');
    expect(yamlScalar("sh -c 'x'")).toBe(`"sh -c 'x'"`);
  });

  it('lays out nested maps and lists like the yaml package does', () => {
    const doc = { name: 'x', topology: { nodes: { r1: { kind: 'linux', exec: ['a b', 'c'] } }, links: [{ endpoints: ['r1:eth1', 'r2:eth1'], mtu: 9000 }] }, empty: [], none: {} };
    expect(toYaml(doc)).toBe(stringify(doc, { lineWidth: 0 }));
  });
});
