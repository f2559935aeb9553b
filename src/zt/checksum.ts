/**
 * Transport checksums of frames the kernel hands the agent. Linux leaves TCP and UDP
 * checksums for the device to finish (CHECKSUM_PARTIAL, "tx checksum offload") and the VXLAN
 * device passes them on unfinished; a real NIC would fill them in, but here the frame leaves
 * the host as a datagram's payload, so the agent completes them before sealing (what
 * `ethtool -K dev tx off` would make the kernel do; ethtool is not on these machines).
 */
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const TCP = 6;
const UDP = 17;

function sum16(bytes: Uint8Array, start: number, end: number, acc: number): number {
  let s = acc;
  for (let i = start; i + 1 < end; i += 2) s += (bytes[i]! << 8) | bytes[i + 1]!;
  if ((end - start) & 1) s += bytes[end - 1]! << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** Recompute the TCP or UDP checksum of an Ethernet frame in place; other frames are left alone. Returns whether it wrote one. */
export function completeTransportChecksum(frame: Uint8Array): boolean {
  if (frame.length < 14) return false;
  const etherType = (frame[12]! << 8) | frame[13]!;
  let pseudo: number;
  let proto: number;
  let l4: number;
  let l4End: number;
  if (etherType === ETHERTYPE_IPV4 && frame.length >= 34) {
    const ihl = (frame[14]! & 0x0f) * 4;
    const total = (frame[16]! << 8) | frame[17]!;
    const fragment = ((frame[20]! & 0x3f) << 8) | frame[21]!; // MF flag and offset
    if (fragment !== 0) return false;
    proto = frame[23]!;
    l4 = 14 + ihl;
    l4End = Math.min(frame.length, 14 + total);
    pseudo = sum16(frame, 26, 34, 0) + proto + (l4End - l4);
  } else if (etherType === ETHERTYPE_IPV6 && frame.length >= 54) {
    proto = frame[20]!;
    l4 = 54;
    l4End = Math.min(frame.length, 54 + ((frame[18]! << 8) | frame[19]!));
    pseudo = sum16(frame, 22, 54, 0) + proto + (l4End - l4);
  } else return false;
  const at = proto === TCP ? l4 + 16 : proto === UDP ? l4 + 6 : -1;
  if (at < 0 || l4End < at + 2) return false;
  frame[at] = 0;
  frame[at + 1] = 0;
  let c = ~fold(sum16(frame, l4, l4End, pseudo)) & 0xffff;
  // RFC 768: a computed UDP checksum of zero is sent as all ones (zero means "none").
  if (c === 0 && proto === UDP) c = 0xffff;
  frame[at] = c >> 8;
  frame[at + 1] = c & 0xff;
  return true;
}
