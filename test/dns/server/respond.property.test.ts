import fc from 'fast-check';
import packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { respond, type AnswerContext } from '../../../src/dns/server/respond.js';
import { buildZoneIndex } from '../../../src/dns/server/zone-index.js';
import { parseTransferAcl } from '../../../src/dns/server/access.js';
import { decodeMessage } from '../../../src/dns/wire/message.js';
import { decodeResponse, type LooseMessage } from './decoded.js';
import { hesiodZone, ORIGIN } from './zone-fixture.js';

const index = buildZoneIndex([hesiodZone()]);
const base: AnswerContext = { index, transport: 'udp', nowSeconds: 1_700_000_000, client: '127.0.0.1', transferAcl: parseTransferAcl(['127.0.0.1']) };

const label = fc.oneof(
  fc.constantFrom('jdoe', 'passwd', 'uid', '1001', 'ns', 'example', 'org', 'sub', 'wild', '*', 'loop1', 'big', 'txt', 'b', 'c', 'a', 'JDoe', 'NS'),
  fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/),
);
const name = fc.array(label, { minLength: 0, maxLength: 6 }).map((ls) => [...ls, ...ORIGIN.split('.')].join('.'));
const anyName = fc.oneof(name, fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')));

/** Every response must decode (our reader and dns-packet's), be a response, keep the ID. */
function checkWellFormed(query: Uint8Array, out: Buffer[]): void {
  for (const m of out) {
    const d = decodeMessage(m);
    expect(d.header.flags & 0x8000).toBe(0x8000);
    expect(d.header.flags & 0x0080).toBe(0); // RA = 0
    expect(d.header.id).toBe(((query[0] ?? 0) << 8) | (query[1] ?? 0));
    decodeResponse(m);
  }
}

describe('respond never throws and answers well-formed', () => {
  it('random valid queries', () => {
    fc.assert(
      fc.property(
        anyName,
        fc.constantFrom('A', 'AAAA', 'TXT', 'NS', 'SOA', 'CNAME', 'ANY', 'AXFR', 'IXFR', 'MX', 'HINFO', 'OPT'),
        fc.constantFrom('IN', 'HS', 'CH', 'ANY'),
        fc.integer({ min: 0, max: 0xffff }),
        fc.option(fc.record({ size: fc.integer({ min: 0, max: 65535 }), version: fc.integer({ min: 0, max: 3 }) })),
        fc.constantFrom<'udp' | 'tcp'>('udp', 'tcp'),
        (qname, qtype, qclass, flags, edns, transport) => {
          const q = packet.encode({
            id: flags,
            type: 'query',
            flags: flags & 0x7fff,
            questions: [{ name: qname, type: qtype as 'A', class: qclass as 'IN' }],
            additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: edns.size, ednsVersion: edns.version } as never] : [],
          });
          const out = respond(q, { ...base, transport }).messages;
          expect(out.length).toBeGreaterThan(0);
          checkWellFormed(q, out);
          if (transport === 'udp') {
            const limit = edns ? Math.max(512, Math.min(edns.size, 1232)) : 512;
            expect(out[0]!.length).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random bytes: a response or silence, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        const out = respond(bytes, base).messages;
        checkWellFormed(bytes, out);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid queries: a response or silence, never a throw', () => {
    const q = packet.encode({ id: 7, type: 'query', questions: [{ name: `jdoe.passwd.${ORIGIN}`, type: 'TXT', class: 'HS' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as never] });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(q.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(q.length), (edits, cut) => {
        const m = Buffer.from(q);
        for (const [at, v] of edits) m[at] = v;
        const bytes = m.subarray(0, Math.max(cut, 12));
        checkWellFormed(bytes, respond(bytes, { ...base, transport: 'tcp' }).messages);
      }),
      { numRuns: 2000 },
    );
  });

  it('matching is case-insensitive and the answer echoes the query case', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 26, maxLength: 26 }), (upper) => {
        const qname = `jdoe.passwd.${ORIGIN}`.split('').map((c, i) => (upper[i % 26] ? c.toUpperCase() : c)).join('');
        const q = packet.encode({ id: 1, type: 'query', questions: [{ name: qname, type: 'TXT', class: 'HS' }] });
        const r = decodeResponse(respond(q, base).messages[0] as Buffer);
        expect(r.rcode).toBe('NOERROR');
        expect(r.answers?.[0]?.name).toBe(qname);
        expect(r.questions?.[0]?.name).toBe(qname);
      }),
    );
  });
});
