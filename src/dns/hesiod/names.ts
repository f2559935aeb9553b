/**
 * Hesiod names in DNS, as libhesiod's hesiod_to_bind builds them:
 * `<name>.<type>` + lhs + rhs, each part joined with a dot unless it already starts with
 * one (`jdoe` `passwd` `.ns` `.example.org` → `jdoe.passwd.ns.example.org`). A name
 * `user@domain.with.dots` uses that domain as rhs; `user@ext` (no dot) needs the
 * `ext.rhs-extension` TXT record looked up first.
 */
import { FlatlabError } from '../../config/diagnostics.js';

export class HesiodError extends FlatlabError {}

export interface HesiodNaming {
  /** `.ns` by convention; may be empty. */
  lhs: string;
  /** The Hesiod domain, e.g. `.example.org`. */
  rhs: string;
}

function joinPart(base: string, part: string): string {
  if (part === '') return base;
  return part.startsWith('.') ? `${base}${part}` : `${base}.${part}`;
}

/**
 * The DNS name to query for (name, type). `rhsExtension` is the answer to the
 * `<ext>.rhs-extension` lookup when `name` is `user@ext`; without it such a name throws
 * `hesiod.rhs-extension-needed` (with the extension in the message) so the caller can look it up.
 */
export function hesiodToBind(name: string, type: string, naming: HesiodNaming, rhsExtension?: string): string {
  let base = name;
  let rhs = naming.rhs;
  const at = name.indexOf('@');
  if (at >= 0) {
    base = name.slice(0, at);
    const domain = name.slice(at + 1);
    if (domain.includes('.')) rhs = domain;
    else if (rhsExtension !== undefined) rhs = rhsExtension;
    else throw new HesiodError('hesiod.rhs-extension-needed', `"${name}" names the Hesiod domain "${domain}", which needs a lookup of ${domain}.rhs-extension`, { hint: 'resolve the rhs-extension record and pass its value' });
  }
  const withType = `${base}.${type}`;
  const full = joinPart(joinPart(withType, naming.lhs), rhs);
  return full.endsWith('.') ? full.slice(0, -1) : full;
}

/** The domain under which Hesiod names live: lhs + rhs without the leading dot (`ns.example.org`). */
export function hesiodDomain(naming: HesiodNaming): string {
  const joined = joinPart(joinPart('', naming.lhs), naming.rhs);
  const trimmed = joined.replace(/^\.+/, '');
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}
