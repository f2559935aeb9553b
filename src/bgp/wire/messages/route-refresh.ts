/**
 * ROUTE-REFRESH (RFC 2918 §3; RFC 7313 §3 puts the message subtype in the former reserved
 * byte: 0 request, 1 BoRR, 2 EoRR). Subtypes above 2 decode as they are: RFC 7313 §5 says
 * to ignore such a message, which is the speaker's call.
 */
import type { Codec } from '../codec.js';
import { BgpEncodeError } from '../errors.js';
import type { RouteRefreshMessage } from '../types.js';

export const ROUTE_REFRESH_SUBTYPE = { REQUEST: 0, BORR: 1, EORR: 2 } as const;

export const routeRefreshCodec: Codec<RouteRefreshMessage> = {
  encode(v, w) {
    if (!(v.afi >= 0 && v.afi <= 0xffff && v.subtype >= 0 && v.subtype <= 255 && v.safi >= 0 && v.safi <= 255)) throw new BgpEncodeError(`ROUTE-REFRESH AFI ${v.afi} / subtype ${v.subtype} / SAFI ${v.safi} out of range`);
    w.u16(v.afi);
    w.u8(v.subtype);
    w.u8(v.safi);
  },
  decode(r) {
    const afi = r.u16();
    const subtype = r.u8();
    return { type: 'ROUTE_REFRESH', afi, subtype, safi: r.u8() };
  },
  encodedLength: () => 4,
};
