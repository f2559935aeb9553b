/** Numbers from the IANA DNS parameter registries that the engine branches on. */
import dnsTypes from 'dns-packet/types.js';

export const CLASS = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const OPCODE = { QUERY: 0, NOTIFY: 4 } as const;

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  NOTAUTH: 9,
  /** Extended (needs OPT): RFC 6891 §6.1.3. */
  BADVERS: 16,
  /** TSIG error field values, RFC 8945 §3. */
  BADSIG: 16,
  BADKEY: 17,
  BADTIME: 18,
  BADTRUNC: 22,
} as const;

export const FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, AD: 0x0020, CD: 0x0010 } as const;

/** Type mnemonic → number; `TYPEnnn` and dns-packet's `UNKNOWN_nnn` forms included. */
const typeNumbers = new Map<string, number>();

export function typeNumber(name: string): number {
  const known = typeNumbers.get(name);
  if (known !== undefined) return known;
  const n = parseTypeName(name);
  if (typeNumbers.size < 1024) typeNumbers.set(name, n);
  return n;
}

function parseTypeName(name: string): number {
  const m = /^(?:TYPE|UNKNOWN_)(\d+)$/i.exec(name);
  if (m) return Number(m[1]);
  return dnsTypes.toType(name);
}

export function typeName(n: number): string {
  return dnsTypes.toString(n);
}

const classNames: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export function className(n: number): string {
  return classNames[n] ?? `CLASS${n}`;
}

export function classNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  for (const [k, v] of Object.entries(classNames)) if (v === upper) return Number(k);
  const m = /^CLASS(\d+)$/.exec(upper);
  return m ? Number(m[1]) : undefined;
}

const rcodeNames: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 9: 'NOTAUTH', 16: 'BADVERS',
};

export function rcodeName(n: number): string {
  return rcodeNames[n] ?? `RCODE${n}`;
}
