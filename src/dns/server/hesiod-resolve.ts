/**
 * hesiod_resolve() as Debian's libhesiod does it: for each configured class in order, ask
 * TXT for the Hesiod name; an answer ends the search, NXDOMAIN or no data moves on to the
 * next class, any other RCODE (REFUSED, SERVFAIL) ends it with an error. Each TXT record
 * becomes one line: its character-strings concatenated.
 */
import { FlatlabError } from '../../config/diagnostics.js';
import { CLASS, RCODE, rcodeName, TYPE } from '../wire/constants.js';
import type { WireMessage } from '../wire/message.js';

export type HesiodClass = 'IN' | 'HS';

export interface HesiodAnswer {
  bindName: string;
  class: HesiodClass;
  lines: string[];
}

export class HesiodLookupError extends FlatlabError {}

export type TxtQuery = (name: string, type: number, klass: number) => Promise<WireMessage>;

export async function hesiodResolve(bindName: string, classes: readonly HesiodClass[], query: TxtQuery): Promise<HesiodAnswer | undefined> {
  for (const cls of classes) {
    const res = await query(bindName, TYPE.TXT, cls === 'HS' ? CLASS.HS : CLASS.IN);
    const rcode = res.header.flags & 0xf;
    if (rcode === RCODE.NXDOMAIN) continue;
    if (rcode !== RCODE.NOERROR) {
      throw new HesiodLookupError('hesiod.server-error', `the server answered ${rcodeName(rcode)} for ${bindName} in class ${cls}`, {
        hint: rcode === RCODE.REFUSED ? 'the server does not serve this Hesiod domain in this class; check rhs/lhs and the server zones' : 'check the server log',
      });
    }
    const lines = res.answers.filter((r) => r.type === TYPE.TXT).map((r) => txtLine(r.rdata));
    if (lines.length > 0) return { bindName, class: cls, lines };
  }
  return undefined;
}

function txtLine(rdata: Buffer): string {
  const parts: Buffer[] = [];
  let p = 0;
  while (p < rdata.length) {
    const len = rdata[p] ?? 0;
    parts.push(rdata.subarray(p + 1, p + 1 + len));
    p += 1 + len;
  }
  return Buffer.concat(parts).toString('utf8');
}
