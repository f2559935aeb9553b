import fc from 'fast-check';
import packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { respond } from '../../../src/dns/server/respond.js';
import { ResponseCache, withId } from '../../../src/dns/server/response-cache.js';
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
          cache.set(key!, { bytes: first.messages[0]!, summary: first.summary });
          const q2 = mk(id2);
          expect(cache.keyFor(q2)).toBe(key);
          expect(withId(cache.get(key!)!, id2)).toEqual(respond(q2, ctx).messages[0]);
        },
      ),
    );
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
    for (let i = 0; i < 25; i++) cache.set(`k${i}`, { bytes: Buffer.alloc(12), summary: { truncated: false, signed: false } });
    expect(cache.size).toBeLessThanOrEqual(10);
  });
});
