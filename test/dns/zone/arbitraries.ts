/** fast-check generators for zones that parse cleanly (used by the round-trip properties). */
import fc from 'fast-check';
import { normaliseIpv6 } from '../../../src/dns/zone/rdata.js';
import type { RecordClass, ResourceRecord, Zone } from '../../../src/dns/zone/model.js';

const hostLabel = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?$/);
/** Any character but `.`: ASCII controls, specials, spaces, and some non-ASCII text. */
const anyLabelChar = fc.oneof(
  fc.integer({ min: 0, max: 127 }).filter((c) => c !== 0x2e).map((c) => String.fromCharCode(c)),
  fc.constantFrom('é', 'ü', 'ß', '日', '€'),
);
// A lone `*` below the first label draws BIND's non-terminal wildcard warning; keep it out.
const anyLabel = fc.array(anyLabelChar, { minLength: 1, maxLength: 12 }).map((cs) => cs.join('')).filter((l) => l !== '*');

export const hostName = fc.array(hostLabel, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
const outOfZoneHost = hostName.map((n) => `${n}.targets.test`);
const ttl = fc.integer({ min: 0, max: 0x7fffffff });
const u16 = fc.integer({ min: 0, max: 65535 });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const charString = fc.uint8Array({ maxLength: 255 }).map((b) => Buffer.from(b));
const text = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => Buffer.byteLength(s) <= 255);

interface RecordShape {
  type: string;
  /** Owner must be a host name (check-names for IN A/AAAA and for MX in any class). */
  hostOwner: boolean;
  data: fc.Arbitrary<unknown>;
}

function shapes(cls: RecordClass): RecordShape[] {
  return [
    { type: 'A', hostOwner: cls === 'IN', data: fc.ipV4() },
    { type: 'AAAA', hostOwner: cls === 'IN', data: fc.ipV6().map((a) => normaliseIpv6(a)!) },
    { type: 'NS', hostOwner: false, data: outOfZoneHost },
    { type: 'CNAME', hostOwner: false, data: fc.oneof(outOfZoneHost, anyLabel.map((l) => `${l}.elsewhere.test`)) },
    { type: 'PTR', hostOwner: false, data: anyLabel.map((l) => `${l}.ptr.test`) },
    { type: 'MX', hostOwner: true, data: fc.record({ preference: u16, exchange: outOfZoneHost }) },
    { type: 'TXT', hostOwner: false, data: fc.array(charString, { minLength: 1, maxLength: 4 }) },
    { type: 'SRV', hostOwner: false, data: fc.record({ priority: u16, weight: u16, port: u16, target: outOfZoneHost }) },
    { type: 'HINFO', hostOwner: false, data: fc.record({ cpu: text, os: text }) },
    { type: 'UNKNOWN_65280', hostOwner: false, data: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)) },
    { type: 'UNKNOWN_1000', hostOwner: false, data: fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)) },
  ];
}

/** An RRset at its own owner: 1-3 records of one type, one TTL, distinct data. */
function rrset(cls: RecordClass, origin: string, index: number): fc.Arbitrary<ResourceRecord[]> {
  return fc.constantFrom(...shapes(cls)).chain((shape) => {
    const owner = (shape.hostOwner ? hostName : fc.array(anyLabel, { minLength: 0, maxLength: 2 }).map((ls) => ls.join('.')))
      .map((rel) => [`r${index}`, rel].filter(Boolean).join('.') + `.${origin}`);
    const count = shape.type === 'CNAME' ? 1 : 3;
    return fc.tuple(owner, ttl, fc.uniqueArray(shape.data, { minLength: 1, maxLength: count, selector: (d) => JSON.stringify(d).toLowerCase() })).map(([name, t, datas]) =>
      datas.map((data) => ({ name, type: shape.type, class: cls, ttl: t, data })),
    );
  });
}

export const zoneArbitrary: fc.Arbitrary<Zone> = fc
  .tuple(fc.constantFrom<RecordClass>('IN', 'HS'), fc.array(hostLabel, { minLength: 1, maxLength: 3 }))
  .chain(([cls, labels]) => {
    const origin = `${labels.join('.')}.example`;
    const soa = fc.record({ mname: outOfZoneHost, rname: outOfZoneHost, serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 });
    return fc.tuple(soa, ttl, outOfZoneHost, fc.integer({ min: 0, max: 8 })).chain(([soaData, apexTtl, ns, n]) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => rrset(cls, origin, i))).map((sets) => ({
        origin,
        class: cls,
        source: 'random.zone',
        records: [
          { name: origin, type: 'SOA', class: cls, ttl: apexTtl, data: soaData },
          { name: origin, type: 'NS', class: cls, ttl: apexTtl, data: ns },
          ...sets.flat(),
        ],
      })),
    );
  });
