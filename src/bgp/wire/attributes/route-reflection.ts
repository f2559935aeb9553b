/**
 * ORIGINATOR_ID and CLUSTER_LIST (RFC 4456). From an eBGP peer they are discarded
 * (attribute-discard, RFC 7606 §7.9/§7.10, done by the UPDATE decoder); from iBGP a bad
 * length (≠ 4; not a non-zero multiple of 4) is treat-as-withdraw.
 */
import { readIpv4, writeIpv4 } from '../address.js';
import { BgpEncodeError } from '../errors.js';
import { ATTR, OPTIONAL_NON_TRANSITIVE, always, expectLength, expectMultiple, type AttributeSpec } from './attribute.js';

export const originatorIdAttribute: AttributeSpec<'originatorId'> = {
  typeCode: ATTR.ORIGINATOR_ID,
  name: 'ORIGINATOR_ID',
  field: 'originatorId',
  flags: OPTIONAL_NON_TRANSITIVE,
  onMalformed: always('treat-as-withdraw'),
  codec: {
    encode: (v, w) => writeIpv4(w, v, 'ORIGINATOR_ID'),
    decode(r, len, ctx) {
      expectLength(r, len, 4, 'ORIGINATOR_ID');
      return readIpv4(r, ctx.addressTexts);
    },
    encodedLength: () => 4,
  },
};

export const clusterListAttribute: AttributeSpec<'clusterList'> = {
  typeCode: ATTR.CLUSTER_LIST,
  name: 'CLUSTER_LIST',
  field: 'clusterList',
  flags: OPTIONAL_NON_TRANSITIVE,
  onMalformed: always('treat-as-withdraw'),
  codec: {
    encode(v, w) {
      if (v.length === 0) throw new BgpEncodeError('CLUSTER_LIST with no cluster ids cannot be encoded; leave the field out');
      for (const id of v) writeIpv4(w, id, 'CLUSTER_LIST');
    },
    decode(r, len, ctx) {
      expectMultiple(r, len, 4, 'CLUSTER_LIST');
      const out = new Array<string>(len / 4);
      const texts = ctx.addressTexts;
      for (let i = 0; i < out.length; i++) out[i] = readIpv4(r, texts);
      return out;
    },
    encodedLength: (v) => v.length * 4,
  },
};
