import fc from 'fast-check';
import packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { respond } from '../../../src/dns/server/respond.js';
import { answerFor, pointsIntoQuestionSuffix, ResponseCache } from '../../../src/dns/server/response-cache.js';
import { buildZoneIndex } from '../../../src/dns/server/zone-index.js';
import { signMessage, parseTsigKeySpec } from '../../../src/dns/wire/tsig.js';
import { hesiodZone, ORIGIN } from './zone-fixture.js';

const index = buildZoneIndex([hesiodZone()]);

const ctx = { index, transport: 'udp' as const, nowSeconds: 0 };

describe('response cache', () => {
  it('is transparent: a cached answer with the new ID equals a fresh one', () => {
    const cache = new ResponseCache();
    fc.assert(
      fc.property(
        fc.constantFrom('jdoe.passwd', 'JDOE.passwd', '1001.uid', 'nobody.passwd', 'x.wild', 'big.txt', 'host.sub'),
        fc.constantFrom('TXT', 'A', 'ANY', 'SOA'),
        fc.constantFrom('HS', 'IN'),
        fc.boolean(),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        (n, type, klass, edns, id1, id2) => {
          const mk = (id: number) =>
            packet.encode({ id, type: 'query', questions: [{ name: `${n}.${ORIGIN}`, type: type as 'A', class: klass as 'IN' }], additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 1400 } as never] : [] });
          const q1 = mk(id1);
          const key = cache.keyFor(q1);
          expect(key).toBeDefined();
          const first = respond(q1, ctx);
          cache.set(key!, { bytes: first.messages[0]!, summary: first.summary }, q1);
          const q2 = mk(id2);
          expect(cache.keyFor(q2)).toBe(key);
          expect(answerFor(cache.get(key!, q2)!, q2)).toEqual(respond(q2, ctx).messages[0]);
        },
      ),
    );
  });

  it('folds the case of names (RFC 4343): a differently spelt query hits, and its answer is spelt as it asked (0x20)', () => {
    const spell = (name: string, flips: boolean[]) => [...name].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
    fc.assert(
      fc.property(
        fc.constantFrom('jdoe.passwd', '1001.uid', 'nobody.passwd', 'x.wild', 'big.txt', 'host.sub', 'missing.passwd'),
        fc.constantFrom('TXT', 'A', 'ANY'),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        (n, type, edns, first, second) => {
          const cache = new ResponseCache();
          const mk = (id: number, flips: boolean[]) =>
            packet.encode({ id, type: 'query', questions: [{ name: spell(`${n}.${ORIGIN}`, flips), type: type as 'A', class: 'HS' }], additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 1400 } as never] : [] });
          const q1 = mk(7, first);
          const q2 = mk(9, second);
          const key = cache.keyFor(q1)!;
          expect(cache.keyFor(q2)).toBe(key);
          const fresh1 = respond(q1, ctx);
          cache.set(key, { bytes: fresh1.messages[0]!, summary: fresh1.summary }, q1);
          const fresh2 = respond(q2, ctx).messages[0]!;
          const entry = cache.get(key, q2);
          if (entry === undefined) {
            // Only an answer compressed against the first spelling's suffix is bound to it.
            expect(pointsIntoQuestionSuffix(fresh1.messages[0]!, q1.length - (edns ? 11 : 0) - 4)).toBe(true);
            expect(first.join()).not.toBe(second.join());
            return;
          }
          const cached = answerFor(entry, q2);
          // The same message as a fresh answer, every name spelt the same (the question as the
          // second query spelt it, what 0x20 resolvers check; zone names as the zone spells
          // them): only where compression pointers fall may differ.
          expect(packet.decode(cached)).toEqual(packet.decode(fresh2));
          if (first.join() === second.join()) expect(cached).toEqual(fresh2);
        },
      ),
    );
  });

  it('serves 0x20 resolvers from the cache; an answer compressed against one spelling stays with it', () => {
    const cache = new ResponseCache();
    // RD=0, as resolvers ask authoritative servers: the apex NS goes in the authority section.
    const q = (id: number, name: string) => packet.encode({ id, type: 'query', flags: 0, questions: [{ name, type: 'TXT', class: 'HS' }] });
    const mixed1 = q(1, 'jDoE.PASSwd.nS.EXample.ORg');
    const mixed2 = q(2, 'JdOe.passWD.Ns.exAMPLE.oRG');
    const plain = q(3, 'jdoe.passwd.ns.example.org');
    expect(ORIGIN).toBe('ns.example.org');
    const key = cache.keyFor(mixed1)!;
    const first = respond(mixed1, ctx);
    cache.set(key, { bytes: first.messages[0]!, summary: first.summary }, mixed1);
    const hit = cache.get(key, mixed2);
    expect(hit).toBeDefined();
    const m = packet.decode(answerFor(hit!, mixed2));
    expect(m.id).toBe(2);
    expect(m.questions![0]!.name).toBe('JdOe.passWD.Ns.exAMPLE.oRG');
    expect(m.answers![0]!.name).toBe('JdOe.passWD.Ns.exAMPLE.oRG');
    expect(m.authorities!.map((r) => r.name)).toEqual(['ns.example.org']);

    // Asked in the zone's own spelling, the NS owner is a pointer into the question: bound to it.
    const fresh = respond(plain, ctx);
    expect(pointsIntoQuestionSuffix(fresh.messages[0]!, plain.length - 4)).toBe(true);
    const other = new ResponseCache();
    other.set(key, { bytes: fresh.messages[0]!, summary: fresh.summary }, plain);
    expect(other.get(key, plain)).toBeDefined();
    expect(other.get(key, mixed2)).toBeUndefined();
    // ...and does not displace an entry that serves every spelling.
    cache.set(key, { bytes: fresh.messages[0]!, summary: fresh.summary }, plain);
    expect(cache.get(key, mixed2)).toBe(hit);
  });

  it('keeps distinct what differs beyond case: other names, types and flags', () => {
    const cache = new ResponseCache();
    const q = (name: string, type: string, rd = true) => packet.encode({ id: 1, type: 'query', flags: rd ? packet.RECURSION_DESIRED : 0, questions: [{ name, type: type as 'A', class: 'HS' }] });
    const keys = [q(`jdoe.passwd.${ORIGIN}`, 'TXT'), q(`jdoe.passwe.${ORIGIN}`, 'TXT'), q(`jdoe.passwd.${ORIGIN}`, 'A'), q(`jdoe.passwd.${ORIGIN}`, 'TXT', false)].map((b) => cache.keyFor(b));
    expect(new Set(keys).size).toBe(4);
    // A label byte of 0x41..0x5A folds; a byte outside letters (here '[' 0x5B, '@' 0x40) does not.
    expect(cache.keyFor(q(`a[.${ORIGIN}`, 'TXT'))).not.toBe(cache.keyFor(q(`a{.${ORIGIN}`, 'TXT')));
    expect(cache.keyFor(q(`a@.${ORIGIN}`, 'TXT'))).not.toBe(cache.keyFor(q(`a${String.fromCharCode(0x60)}.${ORIGIN}`, 'TXT')));
  });

  it('never caches transfers or signed queries', () => {
    const cache = new ResponseCache();
    const axfr = packet.encode({ id: 1, type: 'query', questions: [{ name: ORIGIN, type: 'AXFR', class: 'HS' }] });
    expect(cache.keyFor(axfr)).toBeUndefined();
    const key = parseTsigKeySpec(`k:hmac-sha256:${Buffer.from('secretsecretsecret').toString('base64')}`);
    const signed = signMessage(packet.encode({ id: 1, type: 'query', questions: [{ name: `jdoe.passwd.${ORIGIN}`, type: 'TXT', class: 'HS' }] }), { key, nowSeconds: 0 }).message;
    expect(cache.keyFor(signed)).toBeUndefined();
  });

  it('stays bounded', () => {
    const cache = new ResponseCache(10);
    const q = packet.encode({ id: 1, type: 'query', questions: [{ name: `jdoe.passwd.${ORIGIN}`, type: 'TXT', class: 'HS' }] });
    for (let i = 0; i < 25; i++) cache.set(`k${i}`, { bytes: Buffer.alloc(12), summary: { truncated: false, signed: false } }, q);
    expect(cache.size).toBeLessThanOrEqual(10);
  });
});
