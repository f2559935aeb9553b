/**
 * What a DNS64 synthesizes and from what: prefixes (each with the IPv4 ranges it maps,
 * RFC 6147 §5 "mapping of separate IPv4 address ranges to separate IPv6 prefixes"), the
 * AAAA exclusion set (§5.1.4) and the IPv4 addresses never synthesized.
 */
import { FlatlabError } from '../../config/diagnostics.js';
import { parseRange, type IpRange } from './ip-bytes.js';
import { parseNat64Prefix, WELL_KNOWN_PREFIX_TEXT, type Nat64Prefix } from './rfc6052.js';

export interface PrefixRule {
  prefix: Nat64Prefix;
  /** IPv4 ranges synthesized with this prefix; empty means every address. */
  mappedIn: IpRange[];
}

export interface Dns64Policy {
  prefixes: PrefixRule[];
  /** AAAA records in these ranges count as absent (RFC 6147 §5.1.4); always has ::ffff:0:0/96. */
  excludeAaaa: IpRange[];
  /** A records in these ranges are never synthesized. */
  excludeIpv4: IpRange[];
  /** Answer ipv4only.arpa locally (RFC 8880 §7.2) for RFC 7050 prefix discovery. */
  ipv4onlyArpa: boolean;
  /** Answer PTR under a prefix's ip6.arpa with a CNAME into in-addr.arpa (RFC 6147 §5.3.1, option 2). */
  reversePtr: boolean;
  /**
   * Synthesize when the AAAA query fails with an RCODE other than NXDOMAIN (SERVFAIL, REFUSED
   * …), as RFC 6147 §5.1.2 says and Unbound does. Off by default: the issue asks for
   * synthesis on NODATA only, which is what BIND does.
   */
  synthesizeOnError: boolean;
}

export class Dns64ConfigError extends FlatlabError {}

/** RFC 6147 §5.1.4: "An implementation SHOULD include the ::ffff/96 network in that range by default." */
export const ALWAYS_EXCLUDED_AAAA = '::ffff:0:0/96';

/**
 * Non-global IPv4 space (RFC 6890 registry entries not globally reachable) that
 * `exclude-private` keeps out of synthesis, as RFC 6052 §3.1 asks for the Well-Known
 * Prefix. The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) are
 * left out on purpose: labs use them as stand-ins for public addresses.
 */
export const PRIVATE_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
] as const;

export interface PolicyInput {
  prefixes?: ReadonlyArray<string | { prefix: string; mappedIn?: readonly string[] }>;
  /** Applies to every prefix given as a plain string. */
  mappedIn?: readonly string[];
  excludeAaaa?: readonly string[];
  excludeIpv4?: readonly string[];
  excludePrivate?: boolean;
  ipv4onlyArpa?: boolean;
  reversePtr?: boolean;
  synthesizeOnError?: boolean;
}

export function buildPolicy(input: PolicyInput): Dns64Policy {
  const globalMapped = (input.mappedIn ?? []).map((t) => range(t, 4, 'mapped-in'));
  const specs = input.prefixes && input.prefixes.length > 0 ? input.prefixes : [WELL_KNOWN_PREFIX_TEXT];
  const prefixes = specs.map((s): PrefixRule =>
    typeof s === 'string'
      ? { prefix: parseNat64Prefix(s), mappedIn: globalMapped }
      : { prefix: parseNat64Prefix(s.prefix), mappedIn: s.mappedIn ? s.mappedIn.map((t) => range(t, 4, 'mapped-in')) : globalMapped },
  );
  const seen = new Set<string>();
  for (const p of prefixes) {
    if (seen.has(p.prefix.text)) throw new Dns64ConfigError('dns64.duplicate-prefix', `prefix ${p.prefix.text} is given twice`, { hint: 'give each NAT64 prefix once' });
    seen.add(p.prefix.text);
  }
  const excludeAaaa = [range(ALWAYS_EXCLUDED_AAAA, 6, 'exclude-aaaa'), ...(input.excludeAaaa ?? []).map((t) => range(t, 6, 'exclude-aaaa'))];
  const excludeIpv4 = [...(input.excludePrivate ? PRIVATE_IPV4.map((t) => range(t, 4, 'exclude-private')) : []), ...(input.excludeIpv4 ?? []).map((t) => range(t, 4, 'exclude-ipv4'))];
  return { prefixes, excludeAaaa, excludeIpv4, ipv4onlyArpa: input.ipv4onlyArpa ?? true, reversePtr: input.reversePtr ?? true, synthesizeOnError: input.synthesizeOnError ?? false };
}

function range(text: string, family: 4 | 6, what: string): IpRange {
  const r = parseRange(text);
  if (!r || r.family !== family) {
    throw new Dns64ConfigError('dns64.bad-range', `${what} "${text}" is not an IPv${family} prefix`, {
      hint: family === 4 ? 'write ADDRESS/LENGTH with host bits zero, e.g. 10.0.0.0/8' : 'write ADDRESS/LENGTH with host bits zero, e.g. 2001:db8::/32',
    });
  }
  return r;
}
