/**
 * RFC 1035 §5 master files → Zone. Every problem in the file (and its $INCLUDEs) is
 * collected and thrown at once as a ValidationError with file:line:col diagnostics; the
 * zone-level checks of check.ts run afterwards. Where RFC 1035 leaves room we do what
 * BIND 9's named-checkzone does (test/interop/named-checkzone.test.ts holds us to it).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { hasErrors, InputError, sortDiagnostics, ValidationError, type Diagnostic, type SourcePosition } from '../../config/diagnostics.js';
import { checkZone, type PositionedRecord } from './check.js';
import { lexZone, type Entry, type Token } from './lexer.js';
import { NameSyntaxError, parseNameText } from './names.js';
import { decodeGenericRdata, FieldError, parseGenericRdata, parseTtlText, rdataCodecs, TokenReader, typeName, typeNumber } from './rdata.js';
import { isInZone, ZoneError, type RecordClass, type SoaData, type Zone } from './types.js';

export interface ParseZoneOptions {
  origin: string;
  file: string;
  /** The zone's class; without it, the class of the first record that states one (else IN). */
  defaultClass?: RecordClass;
  /** Reads an $INCLUDEd file (path already resolved against the including file); without it $INCLUDE is an error. */
  readInclude?: (path: string) => string;
}

/** RFC 2181 §8: TTLs above 2^31-1 are treated as 0; BIND warns and does so. */
const MAX_TTL = 0x7fffffff;
const MAX_INCLUDE_DEPTH = 16;
/** Bounds the work a file can cause: includes nested 16 deep could otherwise fan out exponentially. */
const MAX_INCLUDES = 256;
const CLASSES: readonly RecordClass[] = ['IN', 'HS', 'CH'];
/** Query-only types (RFC 6895 §3.1) that cannot appear in a zone. */
const META_TYPES = new Set([41, 249, 250, 251, 252, 253, 254, 255]);

interface ParserState {
  zoneOrigin: string;
  zoneClass: RecordClass | undefined;
  defaultTtl: number | undefined;
  lastTtl: number | undefined;
  lastOwner: string | undefined;
  records: PositionedRecord[];
  diagnostics: Diagnostic[];
  readInclude: ((path: string) => string) | undefined;
  includeStack: string[];
  includeCount: number;
}

export function parseZoneText(text: string, opts: ParseZoneOptions): Zone {
  const origin = parseOrigin(opts.origin);
  const state: ParserState = {
    zoneOrigin: origin,
    zoneClass: opts.defaultClass,
    defaultTtl: undefined,
    lastTtl: undefined,
    lastOwner: undefined,
    records: [],
    diagnostics: [],
    readInclude: opts.readInclude,
    includeStack: [opts.file],
    includeCount: 0,
  };
  parseText(state, text, opts.file, origin);
  const zoneClass = state.zoneClass ?? 'IN';
  const checked = checkZone({ origin, class: zoneClass, records: state.records, file: opts.file, incomplete: hasErrors(state.diagnostics) });
  const diagnostics = sortDiagnostics([...state.diagnostics, ...checked.diagnostics]);
  if (hasErrors(diagnostics)) throw new ValidationError(diagnostics, `zone ${origin} (${opts.file})`);
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  return { origin, class: zoneClass, records: checked.records, source: opts.file, ...(warnings.length ? { warnings } : {}) };
}

/**
 * Records in master-file syntax without zone-level checks, for records embedded in other
 * formats (the Hesiod map's `raw:`). No directives other than $ORIGIN/$TTL; no $INCLUDE.
 */
export function parseRecordLines(text: string, opts: { origin: string; file: string; zoneClass: RecordClass; defaultTtl: number }): { records: PositionedRecord[]; diagnostics: Diagnostic[] } {
  const origin = parseOrigin(opts.origin);
  const state: ParserState = {
    zoneOrigin: origin,
    zoneClass: opts.zoneClass,
    defaultTtl: opts.defaultTtl,
    lastTtl: undefined,
    lastOwner: undefined,
    records: [],
    diagnostics: [],
    readInclude: undefined,
    includeStack: [opts.file],
    includeCount: 0,
  };
  parseText(state, text, opts.file, origin);
  return { records: state.records, diagnostics: state.diagnostics };
}

export async function loadZoneFile(file: string, opts: { origin?: string; class?: RecordClass } = {}): Promise<Zone> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError('input.unreadable', `cannot read zone file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'check the path; it is taken relative to the current directory' });
  }
  const origin = opts.origin ?? originFromText(text);
  if (origin === undefined) throw new ZoneError('zone.no-origin', `zone file ${file} has no $ORIGIN and no origin was given`, { hint: 'add "$ORIGIN example.org." at the top of the file, or give the origin', position: { file, line: 1, col: 1 } });
  return parseZoneText(text, { origin, file, ...(opts.class ? { defaultClass: opts.class } : {}), readInclude: (p) => readFileSync(p, 'utf8') });
}

/** The first `$ORIGIN` of a file, for loading a zone without being told its name. */
export function originFromText(text: string): string | undefined {
  const m = /^\$ORIGIN[ \t]+(\S+)/im.exec(text);
  return m?.[1];
}

function parseOrigin(text: string): string {
  try {
    return parseNameText(text.endsWith('.') ? text : `${text}.`, '.');
  } catch (err) {
    throw new ZoneError('zone.bad-origin', `zone origin "${text}" is not a domain name: ${(err as Error).message}`, { hint: 'give the origin as a domain name such as example.org' });
  }
}

function parseText(state: ParserState, text: string, file: string, startOrigin: string): void {
  let origin = startOrigin;
  for (const entry of lexZone(text, file, state.diagnostics)) {
    if (entry.broken) continue;
    try {
      const first = entry.tokens[0]!;
      if (!entry.blankOwner && !first.quoted && first.text.startsWith('$')) origin = directive(state, entry, file, origin);
      else resourceRecord(state, entry, origin);
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      state.diagnostics.push({ code: err.code, severity: 'error', message: err.message, position: err.token?.position ?? entry.position, ...(err.hint ? { hint: err.hint } : {}) });
    }
  }
}

function error(code: string, message: string, token: Token | undefined, hint?: string): FieldError {
  return new FieldError(code, message, token, hint);
}

function nameAt(token: Token, origin: string): string {
  if (token.quoted) throw error('zone.bad-name', `"${token.text}" is quoted; a domain name is not`, token, 'remove the quotes');
  try {
    return parseNameText(token.text, origin);
  } catch (err) {
    if (err instanceof NameSyntaxError) throw error(err.code, err.message, token, err.hint);
    throw err;
  }
}

/** Handles $ORIGIN, $TTL, $INCLUDE; returns the origin in effect afterwards. */
function directive(state: ParserState, entry: Entry, file: string, origin: string): string {
  const [head, ...args] = entry.tokens;
  const name = head!.text.toUpperCase();
  const argsReader = new TokenReader(args, head, name);
  switch (name) {
    case '$ORIGIN': {
      const next = nameAt(argsReader.next('a domain name'), origin);
      argsReader.done();
      return next;
    }
    case '$TTL': {
      const t = argsReader.next('a TTL');
      argsReader.done();
      const ttl = parseTtlText(t.text);
      if (ttl === undefined || t.quoted) throw error('zone.bad-ttl', `$TTL "${t.text}" is not a TTL`, t, 'write seconds (0-2147483647) or units like 1h30m');
      state.defaultTtl = clampTtl(state, ttl, t.position);
      return origin;
    }
    case '$INCLUDE': {
      const pathToken = argsReader.next('a file name');
      const originToken = argsReader.peek() ? argsReader.next('an origin') : undefined;
      argsReader.done();
      const includeOrigin = originToken ? nameAt(originToken, origin) : origin;
      include(state, pathToken, file, includeOrigin);
      // RFC 1035 §5.1: an $INCLUDE never changes the including file's origin.
      return origin;
    }
    case '$GENERATE':
      throw error('zone.unsupported-directive', '$GENERATE is not supported', head, 'write the generated records out (flatlab reads RFC 1035 directives: $ORIGIN, $TTL, $INCLUDE)');
    default:
      throw error('zone.unknown-directive', `unknown directive ${head!.text}`, head, 'master files know $ORIGIN, $TTL and $INCLUDE');
  }
}

function include(state: ParserState, pathToken: Token, file: string, origin: string): void {
  if (!state.readInclude) throw error('zone.include-not-allowed', '$INCLUDE is not allowed here', pathToken, 'load the zone from a file (loadZoneFile) so included files can be read');
  const path = isAbsolute(pathToken.text) ? pathToken.text : join(dirname(file), pathToken.text);
  if (state.includeStack.includes(path)) throw error('zone.include-cycle', `$INCLUDE ${pathToken.text} includes itself (${[...state.includeStack, path].join(' → ')})`, pathToken, 'remove the cycle');
  if (state.includeStack.length > MAX_INCLUDE_DEPTH) throw error('zone.include-depth', `$INCLUDE nested more than ${MAX_INCLUDE_DEPTH} deep`, pathToken, 'flatten the includes');
  if (++state.includeCount > MAX_INCLUDES) throw error('zone.include-count', `more than ${MAX_INCLUDES} $INCLUDEs in one zone`, pathToken, 'merge the included files');
  let text: string;
  try {
    text = state.readInclude(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw error('zone.include-unreadable', `cannot read $INCLUDE file ${path}: ${code === 'ENOENT' ? 'file not found' : (code ?? (err as Error).message)}`, pathToken, 'the path is taken relative to the including file');
  }
  state.includeStack.push(path);
  try {
    parseText(state, text, path, origin);
  } finally {
    state.includeStack.pop();
  }
}

function clampTtl(state: ParserState, ttl: number, position: SourcePosition): number {
  if (ttl <= MAX_TTL) return ttl;
  state.diagnostics.push({ code: 'zone.ttl-too-large', severity: 'warning', message: `TTL ${ttl} is above 2147483647; using 0`, position, hint: 'RFC 2181 §8 treats such TTLs as 0' });
  return 0;
}

function isClassToken(t: Token): boolean {
  return !t.quoted && /^(IN|HS|CH|CS|ANY|NONE|CLASS[0-9]+)$/i.test(t.text);
}

function resourceRecord(state: ParserState, entry: Entry, origin: string): void {
  const tokens = entry.tokens;
  let i = 0;
  let owner: string;
  if (entry.blankOwner) {
    if (state.lastOwner === undefined) throw error('zone.no-owner', 'record starts with whitespace but there is no previous owner name', tokens[0], 'write the owner name in the first column');
    owner = state.lastOwner;
  } else {
    owner = nameAt(tokens[0]!, origin);
    i = 1;
  }
  state.lastOwner = owner;

  let ttlToken: Token | undefined;
  let classToken: Token | undefined;
  for (let k = 0; k < 2; k++) {
    const t = tokens[i];
    if (!t || t.quoted) break;
    if (ttlToken === undefined && parseTtlText(t.text) !== undefined) ttlToken = t;
    else if (classToken === undefined && isClassToken(t)) classToken = t;
    else break;
    i++;
  }
  const typeToken = tokens[i];
  if (!typeToken) throw error('zone.missing-type', 'record has no type', tokens[tokens.length - 1], 'write OWNER [TTL] [CLASS] TYPE RDATA');
  i++;

  const recordClass = resolveClass(state, classToken);
  const { type, data } = recordData(typeToken, tokens.slice(i), recordClass, origin);

  if (!isInZone(owner, state.zoneOrigin)) {
    state.diagnostics.push({ code: 'zone.out-of-zone', severity: 'warning', message: `ignoring out-of-zone data (${owner})`, position: tokens[0]!.position, hint: `the zone is ${state.zoneOrigin}; BIND ignores such records too` });
    return;
  }
  looksLikeAddress(state, type, recordClass, tokens.slice(i));
  const ttl = resolveTtl(state, ttlToken, type, data, entry);
  state.records.push({ record: { name: owner, type, class: recordClass, ttl, data }, position: entry.blankOwner ? typeToken.position : tokens[0]!.position });
}

/**
 * An address where a name belongs is almost always a mistake (it becomes `1.2.3.4.origin`).
 * named-checkzone -n fail rejects it for NS; it warns for MX (class IN only, as BIND).
 */
function looksLikeAddress(state: ParserState, type: string, recordClass: RecordClass, rdata: readonly Token[]): void {
  if (recordClass !== 'IN') return;
  const target = type === 'NS' ? rdata[0] : type === 'MX' ? rdata[1] : undefined;
  if (!target || isIP(target.text.replace(/\.$/, '')) === 0) return;
  if (type === 'NS') throw error('zone.ns-is-address', `NS target "${target.text}" is an address, not a name`, target, 'an NS record names a server; give the name and put its address in an A/AAAA record');
  state.diagnostics.push({ code: 'zone.mx-is-address', severity: 'warning', message: `MX target "${target.text}" is an address, not a name`, position: target.position, hint: 'an MX record names a host; give the name and put its address in an A/AAAA record' });
}

function resolveClass(state: ParserState, classToken: Token | undefined): RecordClass {
  if (!classToken) {
    state.zoneClass ??= 'IN';
    return state.zoneClass;
  }
  const c = classFromText(classToken.text);
  if (c === undefined) throw error('zone.unsupported-class', `class ${classToken.text} is not supported`, classToken, 'zones are class IN, HS or CH');
  state.zoneClass ??= c;
  if (c !== state.zoneClass) throw error('zone.class-mismatch', `class ${c} differs from the zone's class ${state.zoneClass}`, classToken, 'a zone holds one class; state it on the first record (or in the zone options) and use it throughout');
  return c;
}

/** `IN`, `HS`, `CH`, or RFC 3597's `CLASS1`/`CLASS4`/`CLASS3` for them. */
function classFromText(text: string): RecordClass | undefined {
  const upper = text.toUpperCase();
  const numbered: Record<string, RecordClass> = { CLASS1: 'IN', CLASS3: 'CH', CLASS4: 'HS' };
  const c = numbered[upper] ?? upper;
  return (CLASSES as readonly string[]).includes(c) ? (c as RecordClass) : undefined;
}

function resolveTtl(state: ParserState, ttlToken: Token | undefined, type: string, data: unknown, entry: Entry): number {
  if (ttlToken) {
    const ttl = clampTtl(state, parseTtlText(ttlToken.text)!, ttlToken.position);
    state.lastTtl = ttl;
    return ttl;
  }
  if (state.defaultTtl !== undefined) return state.defaultTtl;
  if (state.lastTtl !== undefined) return state.lastTtl;
  if (type === 'SOA') {
    // BIND: with neither $TTL nor an earlier TTL, the SOA takes its MINIMUM field (with a warning).
    const minimum = (data as SoaData).minimum;
    state.diagnostics.push({ code: 'zone.no-ttl', severity: 'warning', message: `no TTL specified; using the SOA minimum (${minimum})`, position: entry.position, hint: 'add "$TTL <seconds>" at the top of the file' });
    state.lastTtl = clampTtl(state, minimum, entry.position);
    return state.lastTtl;
  }
  throw error('zone.no-ttl', 'no TTL specified and no $TTL before this record', entry.tokens[0], 'add "$TTL <seconds>" at the top of the file or a TTL on this record');
}

function recordData(typeToken: Token, rdata: Token[], recordClass: RecordClass, origin: string): { type: string; data: unknown } {
  const typeText = typeToken.text.toUpperCase();
  const num = typeToken.quoted ? undefined : typeNumber(typeText);
  if (num === undefined) throw error('zone.unknown-type', `unknown record type "${typeToken.text}"`, typeToken, `supported: ${Object.keys(rdataCodecs).join(', ')}, or any type as TYPEnnn \\# LEN HEX (RFC 3597)`);
  if (META_TYPES.has(num) || num === 0) throw error('zone.meta-type', `${typeText} is a query-only type and cannot appear in a zone`, typeToken);
  const reader = new TokenReader(rdata, typeToken, typeText);
  const first = rdata[0];
  if (first && !first.quoted && first.text === '\\#') {
    reader.next('\\#');
    const bytes = parseGenericRdata(reader);
    try {
      return decodeGenericRdata(num, bytes);
    } catch (err) {
      if (err instanceof FieldError) throw error(err.code, err.message, err.token ?? typeToken, err.hint);
      throw error('zone.bad-generic-rdata', `generic rdata is not valid ${typeName(num)} data: ${(err as Error).message}`, first, 'check the hex against the type\'s wire format');
    }
  }
  const type = typeName(num);
  const codec = rdataCodecs[type];
  if (!codec) {
    if (/^TYPE[0-9]+$/.test(typeText)) throw error('zone.generic-rdata-required', `${typeText} needs its data in generic form`, typeToken, `write ${typeText} \\# LEN HEX (RFC 3597 §5)`);
    throw error('zone.unsupported-type', `record type ${type} is not supported`, typeToken, `flatlab zones hold ${Object.keys(rdataCodecs).join(', ')}, and unassigned or private types (65280-65534) in generic form TYPEnnn \\# LEN HEX`);
  }
  if (codec.classes && !codec.classes.includes(recordClass)) throw error('zone.type-not-in-class', `${type} records are not defined in class ${recordClass}`, typeToken, `${type} is defined for class ${codec.classes.join('/')}; BIND rejects it elsewhere (the generic form TYPE${num} \\# … is accepted)`);
  return { type, data: codec.parse(reader, { origin, class: recordClass }) };
}

