/**
 * ATOMIC_AGGREGATE and AGGREGATOR (RFC 4271 §5.1.6, §5.1.7) and AS4_AGGREGATOR (RFC 6793).
 * AGGREGATOR is 6 bytes on a 2-octet session, 8 on a 4-octet one. Any of them malformed:
 * attribute-discard (RFC 7606 §7.6, §7.7; RFC 6793 §6).
 */
import { readIpv4, writeIpv4 } from '../address.js';
import type { Codec } from '../codec.js';
import { BgpEncodeError } from '../errors.js';
import type { Aggregator, CodecContext } from '../types.js';
import { ATTR, OPTIONAL_TRANSITIVE, WELL_KNOWN, always, expectLength, type AttributeSpec } from './attribute.js';

export const atomicAggregateAttribute: AttributeSpec<'atomicAggregate'> = {
  typeCode: ATTR.ATOMIC_AGGREGATE,
  name: 'ATOMIC_AGGREGATE',
  field: 'atomicAggregate',
  flags: WELL_KNOWN,
  onMalformed: always('attribute-discard'),
  codec: {
    encode: () => undefined,
    decode(r, len) {
      expectLength(r, len, 0, 'ATOMIC_AGGREGATE');
      return true;
    },
    encodedLength: () => 0,
  },
};

function aggregatorCodec(fourOctet: (ctx: CodecContext) => boolean, name: string): Codec<Aggregator> {
  return {
    encode(v, w, ctx) {
      if (fourOctet(ctx)) {
        if (!(Number.isInteger(v.asn) && v.asn >= 0 && v.asn <= 0xffffffff)) throw new BgpEncodeError(`${name} ASN ${v.asn} is not a 32-bit unsigned integer`);
        w.u32(v.asn);
      } else {
        if (!(Number.isInteger(v.asn) && v.asn >= 0 && v.asn <= 0xffff)) throw new BgpEncodeError(`${name} ASN ${v.asn} does not fit 2 octets`, 'send AS_TRANS and AS4_AGGREGATOR (RFC 6793)');
        w.u16(v.asn);
      }
      writeIpv4(w, v.address, name);
    },
    decode(r, len, ctx) {
      const four = fourOctet(ctx);
      expectLength(r, len, four ? 8 : 6, name);
      const asn = four ? r.u32() : r.u16();
      return { asn, address: readIpv4(r, ctx.addressTexts) };
    },
    encodedLength: (_v, ctx) => (fourOctet(ctx) ? 8 : 6),
  };
}

export const aggregatorAttribute: AttributeSpec<'aggregator'> = {
  typeCode: ATTR.AGGREGATOR,
  name: 'AGGREGATOR',
  field: 'aggregator',
  flags: OPTIONAL_TRANSITIVE,
  onMalformed: always('attribute-discard'),
  codec: aggregatorCodec((ctx) => ctx.fourOctetAs, 'AGGREGATOR'),
};

export const as4AggregatorAttribute: AttributeSpec<'as4Aggregator'> = {
  typeCode: ATTR.AS4_AGGREGATOR,
  name: 'AS4_AGGREGATOR',
  field: 'as4Aggregator',
  flags: OPTIONAL_TRANSITIVE,
  onMalformed: always('attribute-discard'),
  codec: aggregatorCodec(() => true, 'AS4_AGGREGATOR'),
};
