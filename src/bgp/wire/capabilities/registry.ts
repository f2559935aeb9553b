/** Capabilities flatlab interprets, by code; any other code decodes to `{ name: 'unknown', data }`. */
import type { Codec } from '../codec.js';
import type { Reader, Writer } from '../cursor.js';
import { BgpEncodeError } from '../errors.js';
import type { Capability, CodecContext } from '../types.js';
import { addPathCapability } from './add-path.js';
import { badCapability, type CapabilitySpec } from './capability.js';
import { enhancedRouteRefreshCapability, extendedMessageCapability, routeRefreshCapability } from './flags.js';
import { fourOctetAsCapability } from './four-octet-as.js';
import { fqdnCapability } from './fqdn.js';
import { gracefulRestartCapability } from './graceful-restart.js';
import { multiprotocolCapability } from './multiprotocol.js';

export const CAPABILITY_SPECS: readonly CapabilitySpec[] = [
  multiprotocolCapability,
  routeRefreshCapability,
  extendedMessageCapability,
  gracefulRestartCapability,
  fourOctetAsCapability,
  addPathCapability,
  enhancedRouteRefreshCapability,
  fqdnCapability,
] as readonly CapabilitySpec[];

const byCode = new Map<number, CapabilitySpec>(CAPABILITY_SPECS.map((s) => [s.code, s]));

type Unknown = Extract<Capability, { name: 'unknown' }>;

/** One capability: code (1), length (1), value. */
export const capabilityCodec: Codec<Capability> = {
  encode(c, w: Writer, ctx: CodecContext) {
    const len = capabilityValueLength(c, ctx);
    if (len > 255) throw new BgpEncodeError(`capability ${c.code} (${c.name}) value is ${len} bytes; at most 255 fit`);
    w.u8(c.code);
    w.u8(len);
    if (c.name === 'unknown') w.bytes((c as Unknown).data);
    else specFor(c).codec.encode(c, w, ctx);
  },
  decode(r: Reader, _len: number, ctx: CodecContext): Capability {
    const code = r.u8();
    const len = r.u8();
    const sub = r.sub(len);
    const spec = byCode.get(code);
    if (!spec) return { code, name: 'unknown', data: sub.copy(len) };
    const c = spec.codec.decode(sub, len, ctx);
    if (sub.pos !== sub.end) throw badCapability(sub, spec.name, `${sub.end - sub.pos} trailing bytes`);
    return c;
  },
  encodedLength: (c, ctx) => 2 + capabilityValueLength(c, ctx),
};

function specFor(c: Capability): CapabilitySpec {
  const spec = byCode.get(c.code);
  if (!spec || spec.name !== c.name) throw new BgpEncodeError(`capability code ${c.code} does not match name "${c.name}"`);
  return spec;
}

function capabilityValueLength(c: Capability, ctx: CodecContext): number {
  if (c.name === 'unknown') return (c as Unknown).data.length;
  return specFor(c).codec.encodedLength(c, ctx);
}
