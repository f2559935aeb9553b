import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fc, test as propTest } from '@fast-check/vitest';
import { parseYamlSource, formatPath } from '../../src/config/yaml-source.js';
import { validateAgainstSchema, objectKeysAt } from '../../src/config/schema-diagnostics.js';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { closestMatch, editDistance } from '../../src/config/suggest.js';

const text = `name: lab
nodes:
  r1: { asn: 65001 }
  r2:
    asn: 65002
    kidn: bird
links:
  - [r1, r2]
`;

describe('parseYamlSource', () => {
  it('locates values and keys by path, 1-based', () => {
    const s = parseYamlSource(text, 'lab.yml');
    expect(s.diagnostics).toEqual([]);
    expect(s.locate(['nodes', 'r1', 'asn'])).toEqual({ file: 'lab.yml', line: 3, col: 14 });
    expect(s.locate(['nodes', 'r2', 'kidn'], { key: true })).toEqual({ file: 'lab.yml', line: 6, col: 5 });
    expect(s.locate(['links', 0, 1])).toEqual({ file: 'lab.yml', line: 8, col: 10 });
  });

  it('falls back to the deepest existing part of a path', () => {
    const s = parseYamlSource(text, 'lab.yml');
    expect(s.locate(['nodes', 'r2', 'missing', 'deeper'])).toEqual({ file: 'lab.yml', line: 5, col: 5 });
  });

  it('reports duplicate keys and syntax errors with positions, and gives no data', () => {
    const s = parseYamlSource('a: 1\na: 2\n', 'd.yml');
    expect(s.data).toBeUndefined();
    expect(s.diagnostics[0]).toMatchObject({ code: 'yaml.duplicate-key', position: { file: 'd.yml', line: 2, col: 1 } });
    const bad = parseYamlSource('a: [1, 2\nb: 3\n', 'b.yml');
    expect(bad.diagnostics.length).toBeGreaterThan(0);
    expect(bad.diagnostics.every((d) => d.position?.file === 'b.yml')).toBe(true);
  });

  it('formats paths as a reader writes them', () => {
    expect(formatPath(['links', 2, 'endpoints', 0])).toBe('links[2].endpoints[0]');
  });

  propTest.prop([fc.string({ maxLength: 200 })])('never throws on arbitrary text', (t) => {
    const s = parseYamlSource(t, 'x.yml');
    for (const d of s.diagnostics) expect(d.position?.line).toBeGreaterThanOrEqual(1);
    s.locate(['a', 0, 'b']);
  });
});

describe('validateAgainstSchema', () => {
  const schema = z.strictObject({
    name: z.string(),
    nodes: z.record(z.string(), z.strictObject({ asn: z.number().int(), kind: z.string().optional() })),
  });

  it('reports unknown keys at the key, with a suggestion and the allowed keys', () => {
    const s = parseYamlSource(text.replace(/links:[\s\S]*/, ''), 'lab.yml');
    const r = validateAgainstSchema(schema, s, 'topology');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(formatDiagnostic(r.diagnostics[0]!)).toBe(
      'lab.yml:6:5: unknown key "kidn" in nodes.r2; did you mean "kind"? [topology.unknown-key]\n    hint: allowed keys here: asn, kind',
    );
  });

  it('reports a missing key at its parent and a wrong type at the value', () => {
    const s = parseYamlSource('nodes:\n  r1: { asn: "x" }\n', 'm.yml');
    const r = validateAgainstSchema(schema, s, 'topology');
    const byCode = Object.fromEntries(r.diagnostics.map((d) => [d.code, d]));
    expect(byCode['topology.missing-key']).toMatchObject({ message: 'missing required key "name"', position: { line: 1, col: 1 } });
    expect(byCode['topology.wrong-type']).toMatchObject({ message: 'nodes.r1.asn: expected number, got string "x"', position: { line: 2, col: 14 } });
  });

  it('finds object keys through records and optionals', () => {
    expect(objectKeysAt(schema, ['nodes', 'r9'])).toEqual(['asn', 'kind']);
    expect(objectKeysAt(schema, [])).toEqual(['name', 'nodes']);
  });
});

describe('suggestions', () => {
  it('measures edits and suggests only plausible typos', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestMatch('r9', ['r1', 'r2', 'core'])).toBe('r1');
    expect(closestMatch('zzzzzz', ['r1', 'r2'])).toBeUndefined();
  });
});
