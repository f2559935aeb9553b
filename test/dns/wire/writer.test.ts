import fc from 'fast-check';
import packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../../src/dns/wire/message.js';
import { labelsToName, nameKey, nameToLabels, readName } from '../../../src/dns/wire/names.js';
import { MessageWriter } from '../../../src/dns/wire/writer.js';

const label = fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/);
const name = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));

describe('names', () => {
  it('presentation ↔ labels round-trips, escapes included', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 20 }), { minLength: 0, maxLength: 6 }), (labels) => {
        const text = labelsToName(labels);
        expect(nameToLabels(text).map((b) => [...b])).toEqual(labels.map((l) => [...l]));
      }),
    );
  });

  it('rejects empty labels, labels over 63 bytes and names over 255 bytes', () => {
    expect(() => nameToLabels('a..b')).toThrow(/empty label/);
    expect(() => nameToLabels(`${'a'.repeat(64)}.org`)).toThrow(/63/);
    expect(() => nameToLabels(Array.from({ length: 130 }, () => 'ab').join('.'))).toThrow(/255/);
  });

  it('reads a pointer loop or forward pointer as a format error', () => {
    const b = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 12]);
    expect(() => readName(b, 12)).toThrow(/backwards/);
  });

  it('keys are ASCII-case-insensitive', () => {
    expect(nameKey('JDoe.Passwd.NS.Example.ORG.')).toBe('jdoe.passwd.ns.example.org');
  });
});

describe('MessageWriter compression', () => {
  it('compressed messages decode to the same records (dns-packet as an independent reader) and are no longer than uncompressed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.constantFrom('ns.example.org', 'example.org', 'other.net')), { minLength: 1, maxLength: 12 }), (pairs) => {
        const w = new MessageWriter();
        w.setHeader(9, 0x8400);
        w.question(`q.${pairs[0]![1]}`, 16, 4);
        const rrs = pairs.map(([n, zone]) => ({ name: `${n}.${zone}`, type: 'CNAME', class: 4, ttl: 60, data: `target.${zone}` }));
        for (const rr of rrs) expect(w.record('answer', rr)).toBe(true);
        const out = w.finish();
        const d = packet.decode(out);
        expect(d.answers?.map((a) => [a.name, (a as { data?: unknown }).data])).toEqual(rrs.map((r) => [r.name, r.data]));
        const plain = packet.encode({ id: 9, type: 'response', questions: [{ name: `q.${pairs[0]![1]}`, type: 'TXT', class: 'HS' }], answers: rrs.map((r) => ({ ...r, class: 'HS' as const, type: 'CNAME' as const })) });
        expect(out.length).toBeLessThanOrEqual(plain.length);
        decodeMessage(out);
      }),
    );
  });

  it('a record that does not fit leaves the message unchanged', () => {
    const w = new MessageWriter(60);
    w.setHeader(1, 0);
    w.question('a.example.org', 16, 1);
    const before = w.length;
    expect(w.record('answer', { name: 'a.example.org', type: 'TXT', class: 1, ttl: 1, data: [Buffer.alloc(100)] })).toBe(false);
    expect(w.length).toBe(before);
    expect(w.record('answer', { name: 'a.example.org', type: 'TXT', class: 1, ttl: 1, data: [Buffer.from('ok')] })).toBe(true);
    expect(packet.decode(w.finish()).answers).toHaveLength(1);
  });
});

describe('MessageWriter keeps case', () => {
  it('does not point a name at an earlier one spelled in another case', () => {
    const w = new MessageWriter();
    w.setHeader(1, 0x8400);
    w.question('JDoe.Passwd.NS.Example.ORG', 16, 4);
    w.record('answer', { name: 'JDoe.Passwd.NS.Example.ORG', type: 'CNAME', class: 4, ttl: 1, data: 'jdoe.passwd.ns.example.org' });
    const d = packet.decode(w.finish());
    expect(d.answers?.[0]?.name).toBe('JDoe.Passwd.NS.Example.ORG');
    expect((d.answers?.[0] as { data?: unknown }).data).toBe('jdoe.passwd.ns.example.org');
  });
});
