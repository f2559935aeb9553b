/**
 * Packet builders for the SIIT tests and the TAYGA differential test, written independently of
 * the translator (their own checksum loop), so a translator bug cannot hide in the fixtures.
 */

export function inetSum(parts: readonly Uint8Array[]): number {
  let s = 0;
  for (const p of parts) for (let i = 0; i < p.length; i += 2) s += (p[i]! << 8) + (p[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

export const csum = (parts: readonly Uint8Array[]): number => ~inetSum(parts) & 0xffff;

const u16 = (v: number) => Uint8Array.of(v >>> 8, v & 0xff);
const u32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);

export function cat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

export function v4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

export function v6(text: string): Uint8Array {
  const [head = '', tail] = text.split('::');
  const g = (s: string) => (s ? s.split(':').map((x) => parseInt(x, 16)) : []);
  const h = g(head);
  const t = tail === undefined ? [] : g(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return Uint8Array.from(all.flatMap((x) => [x >> 8, x & 0xff]));
}

export interface Ip4Fields {
  src: Uint8Array;
  dst: Uint8Array;
  protocol: number;
  ttl?: number;
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** Bytes. */
  offset?: number;
  options?: Uint8Array;
}

export function ipv4(f: Ip4Fields, payload: Uint8Array): Uint8Array {
  const opts = f.options ?? new Uint8Array(0);
  const h = new Uint8Array(20 + opts.length);
  h[0] = 0x40 | ((20 + opts.length) / 4);
  h[1] = f.tos ?? 0;
  put16(h, 2, h.length + payload.length);
  put16(h, 4, f.id ?? 0);
  put16(h, 6, (f.df ? 0x4000 : 0) | (f.mf ? 0x2000 : 0) | ((f.offset ?? 0) / 8));
  h[8] = f.ttl ?? 64;
  h[9] = f.protocol;
  h.set(f.src, 12);
  h.set(f.dst, 16);
  h.set(opts, 20);
  put16(h, 10, csum([h]));
  return cat(h, payload);
}

export interface Ip6Fields {
  src: Uint8Array;
  dst: Uint8Array;
  nextHeader: number;
  hopLimit?: number;
  trafficClass?: number;
  /** Fragment header: id, offset in bytes, more. */
  fragment?: { id: number; offset: number; more: boolean };
}

export function ipv6(f: Ip6Fields, payload: Uint8Array): Uint8Array {
  const frag = f.fragment ? cat(Uint8Array.of(f.nextHeader, 0), u16(f.fragment.offset | (f.fragment.more ? 1 : 0)), u32(f.fragment.id)) : new Uint8Array(0);
  const h = new Uint8Array(40);
  const tc = f.trafficClass ?? 0;
  h[0] = 0x60 | (tc >> 4);
  h[1] = (tc & 0x0f) << 4;
  put16(h, 4, frag.length + payload.length);
  h[6] = f.fragment ? 44 : f.nextHeader;
  h[7] = f.hopLimit ?? 64;
  h.set(f.src, 8);
  h.set(f.dst, 24);
  return cat(h, frag, payload);
}

const pseudo4 = (src: Uint8Array, dst: Uint8Array, proto: number, len: number) => cat(src, dst, Uint8Array.of(0, proto), u16(len));
const pseudo6 = (src: Uint8Array, dst: Uint8Array, nh: number, len: number) => cat(src, dst, u32(len), Uint8Array.of(0, 0, 0, nh));

export function udp(src: Uint8Array, dst: Uint8Array, sport: number, dport: number, data: Uint8Array, opts: { zeroChecksum?: boolean } = {}): Uint8Array {
  const len = 8 + data.length;
  const seg = cat(u16(sport), u16(dport), u16(len), u16(0), data);
  if (opts.zeroChecksum) return seg;
  const pseudo = src.length === 4 ? pseudo4(src, dst, 17, len) : pseudo6(src, dst, 17, len);
  put16(seg, 6, csum([pseudo, seg]) || 0xffff);
  return seg;
}

export function tcp(src: Uint8Array, dst: Uint8Array, sport: number, dport: number, seq: number, flags: number, data: Uint8Array): Uint8Array {
  const seg = cat(u16(sport), u16(dport), u32(seq), u32(0), Uint8Array.of(0x50, flags), u16(65535), u16(0), u16(0), data);
  const pseudo = src.length === 4 ? pseudo4(src, dst, 6, seg.length) : pseudo6(src, dst, 6, seg.length);
  put16(seg, 16, csum([pseudo, seg]));
  return seg;
}

/** ICMPv4 (no pseudo-header) when addresses are IPv4, ICMPv6 otherwise. */
export function icmp(src: Uint8Array, dst: Uint8Array, type: number, code: number, rest: Uint8Array, body: Uint8Array): Uint8Array {
  const msg = cat(Uint8Array.of(type, code, 0, 0), rest, body);
  put16(msg, 2, src.length === 4 ? csum([msg]) : csum([pseudo6(src, dst, 58, msg.length), msg]));
  return msg;
}

export const echoRest = (id: number, seq: number) => cat(u16(id), u16(seq));

/** True when the packet's transport checksum verifies (UDP zero counts as invalid on IPv6). */
export function transportChecksumOk(packet: Uint8Array): boolean {
  if (packet[0]! >> 4 === 4) {
    const ihl = (packet[0]! & 15) * 4;
    const total = (packet[2]! << 8) | packet[3]!;
    const proto = packet[9]!;
    const seg = packet.subarray(ihl, total);
    if (proto === 1) return inetSum([seg]) === 0xffff;
    return inetSum([pseudo4(packet.subarray(12, 16), packet.subarray(16, 20), proto, seg.length), seg]) === 0xffff;
  }
  let nh = packet[6]!;
  let at = 40;
  if (nh === 44) {
    nh = packet[40]!;
    at = 48;
  }
  const seg = packet.subarray(at);
  if (nh === 17 && seg[6] === 0 && seg[7] === 0) return false;
  return inetSum([pseudo6(packet.subarray(8, 24), packet.subarray(24, 40), nh, seg.length), seg]) === 0xffff;
}

export function ipv4HeaderOk(packet: Uint8Array): boolean {
  return inetSum([packet.subarray(0, (packet[0]! & 15) * 4)]) === 0xffff;
}
