import { describe, expect, it } from 'vitest';
import { test as ftest, fc } from '@fast-check/vitest';
import { Address6 } from 'ip-address';
import { firstOctetForNetwork, memberMac, memberOfMac, rfc4193Address, sixPlaneAddress, sixPlaneNetwork } from '../../src/zt/addresses.js';
import { parseMemberId, parseNetworkId, type MemberId, type NetworkId } from '../../src/zt/ids.js';

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const networkId = hex(16).map((s) => s as NetworkId);
const memberId = hex(10).filter((s) => s !== '0000000000' && !s.startsWith('ff')).map((s) => s as MemberId);

/** Expand an IPv6 address to 32 hex digits. */
const digits = (cidr: string) => new Address6(cidr.split('/')[0]!).canonicalForm().replace(/:/g, '');

describe('ZeroTier address derivation, vectors from the ZeroTier manual (§2.2.3) and a zerotier-one status dump', () => {
  const nwid = parseNetworkId('9bee8941b5de0691');
  const node = parseMemberId('1234512345');

  it('RFC 4193: fd + network id + 9993 + node id, a /88', () => {
    expect(rfc4193Address(nwid, node)).toBe('fd9b:ee89:41b5:de06:9199:9312:3451:2345/88');
  });

  it('6PLANE: fc + (network id high 32 XOR low 32) + node id, ::1 of the /80', () => {
    expect(sixPlaneAddress(nwid, node)).toBe('fc2e:308f:d012:3451:2345::1/80');
    expect(digits(sixPlaneAddress(nwid, node))).toBe('fc2e308fd01234512345000000000001');
    // The whole 6PLANE network every member's /80 sits in.
    expect(sixPlaneNetwork(nwid)).toBe('fc2e:308f:d000::/40');
  });

  it('MAC from network id and node address (zerotier-one 1.10 listed 26:27:46:81:5c:34 for node 87c29dbef6 on 8056c2e21c84a027)', () => {
    const n = parseNetworkId('8056c2e21c84a027');
    expect(memberMac(n, parseMemberId('87c29dbef6'))).toBe('26:27:46:81:5c:34');
    expect(memberOfMac(n, '26:27:46:81:5c:34')).toBe('87c29dbef6');
  });

  it('the first MAC octet avoids 0x52 (QEMU\'s) and is locally administered unicast', () => {
    expect(firstOctetForNetwork(parseNetworkId('0000000000000050'))).toBe(0x32);
    expect(firstOctetForNetwork(parseNetworkId('0000000000000051'))).toBe(0x32);
    expect(firstOctetForNetwork(parseNetworkId('00000000000000ff'))).toBe(0xfe);
  });
});

describe('address derivation properties', () => {
  ftest.prop([networkId, memberId])('RFC 4193 embeds the ids at fixed offsets', (n, m) => {
    expect(digits(rfc4193Address(n, m))).toBe(`fd${n}9993${m}`);
  });

  ftest.prop([networkId, memberId])('6PLANE embeds the folded network id and the member, ends in ::1', (n, m) => {
    const folded = ((parseInt(n.slice(0, 8), 16) ^ parseInt(n.slice(8), 16)) >>> 0).toString(16).padStart(8, '0');
    expect(digits(sixPlaneAddress(n, m))).toBe(`fc${folded}${m}000000000001`);
  });

  ftest.prop([networkId, memberId])('a member MAC maps back to its member; it is unicast and locally administered', (n, m) => {
    const mac = memberMac(n, m);
    expect(memberOfMac(n, mac)).toBe(m);
    const first = parseInt(mac.slice(0, 2), 16);
    expect(first & 1).toBe(0);
    expect(first & 2).toBe(2);
  });

  ftest.prop([networkId, memberId, memberId])('different members of a network get different MACs and addresses', (n, a, b) => {
    fc.pre(a !== b);
    expect(memberMac(n, a)).not.toBe(memberMac(n, b));
    expect(rfc4193Address(n, a)).not.toBe(rfc4193Address(n, b));
    expect(sixPlaneAddress(n, a)).not.toBe(sixPlaneAddress(n, b));
  });
});
