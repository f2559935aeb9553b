/** Small IPv4 helpers for pools and routes (plain numbers; the lab never needs more). */
export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function ipv4PrefixContains(prefix: string, ip: string): boolean {
  const [net, len] = prefix.split('/');
  const bits = Number(len);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ipv4ToInt(net!) & mask) >>> 0) === ((ipv4ToInt(ip) & mask) >>> 0);
}

/** The usable host range of a prefix (`10.0.0.0/24` → .1 … .254), as ZeroTier Central fills a pool. */
export function hostRange(prefix: string): { ipRangeStart: string; ipRangeEnd: string } {
  const [net, len] = prefix.split('/');
  const bits = Number(len);
  const base = ipv4ToInt(net!) & (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0);
  const size = 2 ** (32 - bits);
  return size <= 2 ? { ipRangeStart: intToIpv4(base >>> 0), ipRangeEnd: intToIpv4((base + size - 1) >>> 0) } : { ipRangeStart: intToIpv4((base + 1) >>> 0), ipRangeEnd: intToIpv4((base + size - 2) >>> 0) };
}
