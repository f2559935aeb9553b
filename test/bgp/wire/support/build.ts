/** Hand-assembled UPDATEs for error tests: give the sections as hex, get a framed message. */
import { fromHex } from './hex.js';

const hex2 = (n: number): string => n.toString(16).padStart(4, '0');

export function rawUpdate(parts: { withdrawn?: string; attrs?: string; nlri?: string }): Uint8Array {
  const w = fromHex(parts.withdrawn ?? '');
  const a = fromHex(parts.attrs ?? '');
  const n = fromHex(parts.nlri ?? '');
  const len = 19 + 2 + w.length + 2 + a.length + n.length;
  return fromHex(`${'ff'.repeat(16)} ${hex2(len)} 02 ${hex2(w.length)} ${Buffer.from(w).toString('hex')} ${hex2(a.length)} ${Buffer.from(a).toString('hex')} ${Buffer.from(n).toString('hex')}`);
}

/** ORIGIN IGP, empty AS_PATH, NEXT_HOP 192.0.2.1: the mandatory set for IPv4 NLRI. */
export const MANDATORY = '40 01 01 00  40 02 00  40 03 04 c0000201';
/** 203.0.113.0/24 */
export const NLRI = '18 cb0071';
