/**
 * Zone-level checks after parsing, matching what BIND 9.18's `named-checkzone -k fail
 * -n fail -i local` accepts and rejects (test/interop/named-checkzone.test.ts):
 *
 * - exactly one SOA, at the apex; NS records at the apex;
 * - no CNAME beside other data, at most one CNAME per name;
 * - check-names (RFC 952/1123 host names): owners of IN A/AAAA and of MX records, targets of
 *   NS/MX/SRV, the SOA MNAME (and RNAME as a mailbox), PTR targets in reverse trees;
 * - class IN integrity: an in-zone apex NS target needs an address record and no NS
 *   target may be a CNAME (errors); missing glue under a delegation, and MX/SRV targets
 *   without addresses or at CNAMEs, are warnings, as in BIND;
 * - identical records are merged; records of one RRset take the first one's TTL (warning).
 */
import type { Diagnostic, SourcePosition } from '../../config/diagnostics.js';
import { canonicalName, isInZone, type RecordClass, type ResourceRecord } from './types.js';

export interface PositionedRecord {
  record: ResourceRecord;
  position?: SourcePosition;
}

export interface ZoneCheckInput {
  origin: string;
  class: RecordClass;
  records: readonly PositionedRecord[];
  file?: string;
  /**
   * Some records were dropped for syntax errors: skip the checks that a missing record
   * would fail (no SOA, no NS, NS without address), so one typo gives one error.
   */
  incomplete?: boolean;
}

export interface ZoneCheckResult {
  /** Records after merging duplicates and equalising RRset TTLs. */
  records: ResourceRecord[];
  diagnostics: Diagnostic[];
}

const NAME_TYPES = new Set(['NS', 'CNAME', 'PTR', 'SOA', 'MX', 'SRV']);

export function checkZone(input: ZoneCheckInput): ZoneCheckResult {
  const diagnostics: Diagnostic[] = [];
  const fallback: SourcePosition = { file: input.file ?? input.origin, line: 1, col: 1 };
  const at = (p: PositionedRecord) => p.position ?? fallback;
  const push = (severity: 'error' | 'warning', code: string, message: string, position: SourcePosition, hint?: string) =>
    diagnostics.push({ code: `zone.${code}`, severity, message, position, ...(hint ? { hint } : {}) });

  const records = mergeRecords(input.records, push, at);
  const apex = canonicalName(input.origin);
  const typesAt = new Map<string, Set<string>>();
  for (const p of records) {
    const n = canonicalName(p.record.name);
    let s = typesAt.get(n);
    if (!s) typesAt.set(n, (s = new Set()));
    s.add(p.record.type);
  }

  // SOA and apex NS (RFC 1035 §5.2: exactly one SOA, at the top of the zone).
  const soas = records.filter((p) => p.record.type === 'SOA');
  for (const p of soas) {
    if (canonicalName(p.record.name) !== apex) push('error', 'soa-not-at-apex', `SOA record not at the top of the zone (${p.record.name})`, at(p), `only ${input.origin} may have an SOA; a sub-zone is delegated with NS records`);
  }
  const apexSoas = soas.filter((p) => canonicalName(p.record.name) === apex);
  if (apexSoas.length === 0 && !input.incomplete) push('error', 'no-soa', `zone ${input.origin} has no SOA record`, fallback, `add "@ SOA <primary-ns> <hostmaster> <serial> <refresh> <retry> <expire> <minimum>"`);
  for (const p of apexSoas.slice(1)) push('error', 'multiple-soa', `zone ${input.origin} has more than one SOA record`, at(p), 'keep one SOA at the apex');
  if (!typesAt.get(apex)?.has('NS') && !input.incomplete) push('error', 'no-ns', `zone ${input.origin} has no NS records at its apex`, apexSoas[0] ? at(apexSoas[0]) : fallback, 'add "@ NS <name-server>"');

  // RFC 1034 §3.6.2 / RFC 2181 §10.1: a CNAME stands alone.
  const cnameSeen = new Map<string, PositionedRecord>();
  for (const p of records) {
    if (p.record.type !== 'CNAME') continue;
    const n = canonicalName(p.record.name);
    if (cnameSeen.has(n)) push('error', 'multiple-cname', `${p.record.name} has more than one CNAME`, at(p), 'a name has at most one CNAME');
    else cnameSeen.set(n, p);
  }
  const cnameReported = new Set<string>();
  for (const p of records) {
    const n = canonicalName(p.record.name);
    if (p.record.type === 'CNAME' || !cnameSeen.has(n) || cnameReported.has(n)) continue;
    cnameReported.add(n);
    const c = cnameSeen.get(n)!;
    const later = comparePositions(at(c), at(p)) > 0 ? c : p;
    push('error', 'cname-and-other-data', `${p.record.name} has a CNAME and other data (${p.record.type})`, at(later), 'a name with a CNAME can have no other records (RFC 1034 §3.6.2); move the other data or drop the CNAME');
  }

  for (const p of records) checkNames(p, input.class, (code, message) => push('error', code, message, at(p), 'host names use letters, digits and inner hyphens (RFC 952/1123); check-names as in BIND'));

  if (input.class === 'IN' && !input.incomplete) checkIntegrity(records, typesAt, apex, push, at);
  for (const p of records) {
    const labels = canonicalName(p.record.name).split('.');
    if (labels.indexOf('*') > 0) push('warning', 'non-terminal-wildcard', `owner ${p.record.name} has a "*" that is not its first label; it is not a wildcard`, at(p));
  }
  return { records: records.map((p) => p.record), diagnostics };
}

function comparePositions(a: SourcePosition, b: SourcePosition): number {
  return a.file === b.file ? a.line - b.line || a.col - b.col : 0;
}

type Push = (severity: 'error' | 'warning', code: string, message: string, position: SourcePosition, hint?: string) => void;

function dataKey(r: ResourceRecord): string {
  const d = r.data;
  let key: string;
  if (typeof d === 'string') key = d;
  else if (Array.isArray(d)) key = d.map((b: Buffer) => b.toString('hex')).join(',');
  else if (Buffer.isBuffer(d)) key = d.toString('hex');
  else key = JSON.stringify(d);
  // Names inside rdata compare case-insensitively (RFC 4343); TXT bytes do not.
  return `${canonicalName(r.name)}\u0000${r.type}\u0000${NAME_TYPES.has(r.type) ? key.toLowerCase() : key}`;
}

function mergeRecords(input: readonly PositionedRecord[], push: Push, at: (p: PositionedRecord) => SourcePosition): PositionedRecord[] {
  const seen = new Set<string>();
  const rrsetTtl = new Map<string, number>();
  const out: PositionedRecord[] = [];
  for (const p of input) {
    const key = dataKey(p.record);
    if (seen.has(key)) continue;
    seen.add(key);
    const setKey = `${canonicalName(p.record.name)}\u0000${p.record.type}`;
    const ttl = rrsetTtl.get(setKey);
    if (ttl === undefined) rrsetTtl.set(setKey, p.record.ttl);
    else if (ttl !== p.record.ttl) {
      // RFC 2181 §5.2: one TTL per RRset; BIND keeps the first and warns.
      push('warning', 'rrset-ttl-mismatch', `TTL ${p.record.ttl} of this ${p.record.type} record differs from its RRset's ${ttl}; using ${ttl}`, at(p), 'give every record of an RRset the same TTL');
      out.push({ ...p, record: { ...p.record, ttl } });
      continue;
    }
    out.push(p);
  }
  return out;
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** BIND's dns_name_ishostname: LDH labels, alphanumeric at both ends; optional leading `*`. */
export function isHostname(name: string, wildcard: boolean): boolean {
  if (name === '.') return true;
  const labels = name.split('.');
  if (wildcard && labels[0] === '*') labels.shift();
  return labels.every((l) => HOST_LABEL.test(l));
}

/** BIND's dns_name_ismailbox: any printable first label, then a host name. */
export function isMailbox(name: string): boolean {
  if (name === '.') return true;
  const [local, ...rest] = name.split('.');
  return [...local!].every((c) => c > ' ' && c < '\u007f') && isHostname(rest.length ? rest.join('.') : '.', false);
}

const REVERSE_TREES = ['in-addr.arpa', 'ip6.arpa', 'ip6.int'];

function checkNames(p: PositionedRecord, zoneClass: RecordClass, fail: (code: string, message: string) => void): void {
  const r = p.record;
  // BIND checks A/AAAA owners in class IN only (HS A has no owner check), MX owners in every class.
  if (((zoneClass === 'IN' && (r.type === 'A' || r.type === 'AAAA')) || r.type === 'MX') && !isHostname(r.name, true)) {
    fail('bad-owner-name', `${r.name}: bad owner name for ${r.type} (check-names)`);
  }
  const target = (n: string, what: string) => {
    if (!isHostname(n, false)) fail('bad-name', `${r.name} ${r.type}: ${what} "${n}" is not a host name (check-names)`);
  };
  switch (r.type) {
    case 'NS':
      target(r.data as string, 'target');
      break;
    case 'MX':
      target((r.data as { exchange: string }).exchange, 'exchange');
      break;
    case 'SRV':
      target((r.data as { target: string }).target, 'target');
      break;
    case 'SOA': {
      const s = r.data as { mname: string; rname: string };
      target(s.mname, 'MNAME');
      if (!isMailbox(s.rname)) fail('bad-name', `${r.name} SOA: RNAME "${s.rname}" is not a mailbox name (check-names)`);
      break;
    }
    case 'PTR':
      if (REVERSE_TREES.some((t) => isInZone(r.name, t))) target(r.data as string, 'target');
      break;
  }
}

function checkIntegrity(records: readonly PositionedRecord[], typesAt: Map<string, Set<string>>, apex: string, push: Push, at: (p: PositionedRecord) => SourcePosition): void {
  const cuts = new Set<string>();
  for (const p of records) {
    const n = canonicalName(p.record.name);
    if (p.record.type === 'NS' && n !== apex) cuts.add(n);
  }
  const belowCut = (name: string): string | undefined => {
    for (let n = name; n !== apex && n.includes('.'); n = n.slice(n.indexOf('.') + 1)) if (cuts.has(n)) return n;
    return undefined;
  };
  const hasAddress = (n: string) => typesAt.get(n)?.has('A') === true || typesAt.get(n)?.has('AAAA') === true;
  for (const p of records) {
    const r = p.record;
    const owner = canonicalName(r.name);
    if (r.type === 'NS') {
      const t = canonicalName(r.data as string);
      if (!isInZone(t, apex)) continue;
      if (typesAt.get(t)?.has('CNAME')) {
        push('error', 'ns-is-cname', `NS target ${r.data as string} is a CNAME`, at(p), 'an NS record must name the server itself (RFC 2181 §10.3)');
        continue;
      }
      if (hasAddress(t)) continue;
      const cut = belowCut(t);
      if (owner === apex && cut === undefined) push('error', 'ns-no-address', `NS target ${r.data as string} is in the zone but has no address records (A or AAAA)`, at(p), `add an A or AAAA record for ${r.data as string}`);
      else if (cut !== undefined) push('warning', 'missing-glue', `${r.name} NS ${r.data as string} is below a zone cut and has no glue (A or AAAA)`, at(p), `add glue: an A or AAAA record for ${r.data as string}`);
      else push('warning', 'ns-no-address', `${r.name} NS ${r.data as string} has no address records (A or AAAA)`, at(p));
    } else if (r.type === 'MX' || r.type === 'SRV') {
      const t = canonicalName(r.type === 'MX' ? (r.data as { exchange: string }).exchange : (r.data as { target: string }).target);
      if (t === '.' || !isInZone(t, apex) || belowCut(t) !== undefined || belowCut(owner) !== undefined) continue;
      if (typesAt.get(t)?.has('CNAME')) push('warning', `${r.type.toLowerCase()}-is-cname`, `${r.name} ${r.type} target ${t} is a CNAME`, at(p), 'RFC 2181 §10.3: point at the host itself');
      else if (!hasAddress(t)) push('warning', `${r.type.toLowerCase()}-no-address`, `${r.name} ${r.type} target ${t} has no address records (A or AAAA)`, at(p));
    }
  }
}
