/**
 * The Hesiod map: a YAML file of users, groups, filesystems, post-office boxes, services,
 * clusters and service locations, turned into the zone of records Hesiod clients look up
 * (docs/hesiod.md has the format and a full example; records.ts the TXT formats).
 *
 *   <user>.passwd TXT, <uid>.uid CNAME, <user>.grplist TXT, <user>.pobox TXT, <user>.filsys TXT,
 *   <group>.group TXT, <gid>.gid CNAME, <fs>.filsys TXT, <name>.pobox TXT,
 *   <svc>.service TXT (+ CNAMEs for aliases), <host>.cluster TXT, <svc>.sloc TXT, raw records,
 *
 * all under `lhs + rhs` (`ns.example.org`), plus SOA and NS at the zone origin.
 */
import { z } from 'zod';
import { hasErrors, sortDiagnostics, ValidationError, type Diagnostic, type SourcePosition } from '../../config/diagnostics.js';
import { loadYamlFile } from '../../config/load-yaml-file.js';
import { validateAgainstSchema } from '../../config/schema-diagnostics.js';
import { didYouMean } from '../../config/suggest.js';
import { parseYamlSource, type DataPath, type YamlSource } from '../../config/yaml-source.js';
import { checkZone, type PositionedRecord } from '../zone/check.js';
import { parseNameText } from '../zone/names.js';
import { parseRecordLines } from '../zone/parse.js';
import { isInZone, type RecordClass, type ResourceRecord, type Zone } from '../zone/types.js';
import { hesiodDomain } from './names.js';
import { filsysLine, groupLine, grplistLine, passwdLine, poboxLine, serviceLine, txtStrings, type Filsys } from './records.js';

/**
 * Login and group names: no `:` (it separates passwd fields), no spaces. A name with dots
 * (`john.doe`) is fine: libhesiod just prefixes it to `.passwd.<lhs><rhs>`.
 */
const accountName = z.string().regex(/^[A-Za-z0-9_$][A-Za-z0-9_.$-]*$/, 'a user or group name is letters, digits, "_", "-", "." or "$", starting with a letter, digit, "_" or "$"');
/** Keys of filsys/services/clusters/sloc/pobox: no spaces. */
const hesiodKey = z.string().regex(/^[^\s]+$/, 'a Hesiod name has no spaces');
const id = z.number().int().min(0).max(4294967295);
const field = (what: string) => z.string().refine((s) => !/[:\n]/.test(s), `${what} cannot contain ":" or a newline`);
const word = (what: string) => z.string().regex(/^\S+$/, `${what} is one word without spaces`);
const domain = z.string().regex(/^[^\s]+$/, 'a domain name has no spaces');
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);

const filsysSchema = z.union([
  z.string().min(1),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('NFS'), server: word('server'), path: word('path'), mode: word('mode').default('w'), mount: word('mount') }),
    z.strictObject({ type: z.literal('AFS'), path: word('path'), mode: word('mode').default('w'), mount: word('mount') }),
    z.strictObject({ type: z.literal('ERR'), message: z.string().min(1) }),
  ]),
]);

const poboxSchema = z.union([
  word('host'),
  z.strictObject({ type: word('type').default('POP'), host: word('host'), name: word('name').optional() }),
]);

const userSchema = z.strictObject({
  uid: id,
  gid: id,
  gecos: field('gecos').default(''),
  home: field('home'),
  shell: field('shell').default('/bin/sh'),
  pobox: poboxSchema.optional(),
  filsys: oneOrMany(filsysSchema).optional(),
  /** Supplementary groups (also taken from groups.<g>.members). */
  groups: z.array(accountName).optional(),
});

const groupSchema = z.strictObject({ gid: id, members: z.array(accountName).default([]) });

const serviceSchema = z.strictObject({
  port: z.number().int().min(0).max(65535),
  proto: oneOrMany(z.string().regex(/^[A-Za-z0-9-]+$/, 'a protocol is a word such as tcp or udp')).default('tcp'),
  aliases: z.array(hesiodKey).default([]),
});

export const hesiodMapSchema = z.strictObject({
  /** Zone origin; defaults to lhs + rhs. Must be that domain or an ancestor of it. */
  origin: domain.optional(),
  lhs: z.string().regex(/^[^\s]*$/, 'lhs has no spaces').default('.ns'),
  rhs: domain,
  /** `both` (the default) serves the data in class HS and answers IN queries too (design.md). */
  class: z.enum(['HS', 'IN', 'both']).default('both'),
  ttl: z.number().int().min(0).max(2147483647).default(3600),
  soa: z
    .strictObject({
      mname: domain.optional(),
      rname: domain.optional(),
      serial: id.default(1),
      refresh: id.default(3600),
      retry: id.default(600),
      expire: id.default(1209600),
      minimum: id.default(300),
    })
    .default({ serial: 1, refresh: 3600, retry: 600, expire: 1209600, minimum: 300 }),
  ns: z.array(domain).min(1),
  users: z.record(accountName, userSchema).default({}),
  groups: z.record(accountName, groupSchema).default({}),
  filsys: z.record(hesiodKey, oneOrMany(filsysSchema)).default({}),
  pobox: z.record(hesiodKey, poboxSchema).default({}),
  services: z.record(hesiodKey, serviceSchema).default({}),
  /** Workstation → { key: value or values }: `<host>.cluster` TXT "key value". */
  clusters: z.record(hesiodKey, z.record(word('cluster key'), oneOrMany(word('cluster value')))).default({}),
  /** Service → hosts: `<svc>.sloc` TXT "host". */
  sloc: z.record(hesiodKey, oneOrMany(domain)).default({}),
  /** Extra records in master-file syntax, names relative to the origin. */
  raw: z.array(z.string()).default([]),
});

export type HesiodMap = z.infer<typeof hesiodMapSchema>;
export type HesiodMapInput = z.input<typeof hesiodMapSchema>;

export interface HesiodMapOptions {
  /** File the map came from, for diagnostics. */
  file?: string;
  /** Position of a path in the map's source (from YamlSource.locate). */
  locate?: (path: DataPath) => SourcePosition;
}

/** A generated zone also says which classes to answer in (class `both` → HS and IN). */
export interface HesiodZone extends Zone {
  answerClasses: RecordClass[];
}

function absolute(name: string): string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n === '' ? '.' : n;
}

export function hesiodMapToZone(map: HesiodMap, opts: HesiodMapOptions = {}): HesiodZone {
  const file = opts.file ?? 'hesiod map';
  const locate = opts.locate ?? (() => ({ file, line: 1, col: 1 }));
  const diagnostics: Diagnostic[] = [];
  const report = (severity: 'error' | 'warning', code: string, message: string, path: DataPath, hint?: string) =>
    diagnostics.push({ code: `hesiod.${code}`, severity, message, position: locate(path), ...(hint ? { hint } : {}) });

  const zoneClass: RecordClass = map.class === 'IN' ? 'IN' : 'HS';
  const answerClasses: RecordClass[] = map.class === 'both' ? ['HS', 'IN'] : [zoneClass];
  const base = hesiodDomain({ lhs: map.lhs, rhs: map.rhs });
  const origin = absolute(map.origin ?? base);
  for (const [what, path, value] of [['origin', ['origin'], origin], ['lhs + rhs', ['rhs'], base]] as const) {
    try {
      parseNameText(`${value}.`, '.');
    } catch (err) {
      report('error', 'bad-domain', `${what} "${value}" is not a domain name: ${(err as Error).message}`, [...path]);
    }
  }
  if (!isInZone(base, origin)) report('error', 'origin-mismatch', `Hesiod names live under ${base}, which is not inside origin ${origin}`, ['origin'], `drop origin, or make it ${base} or one of its parents`);

  const records: PositionedRecord[] = [];
  const add = (rel: string, type: string, data: unknown, path: DataPath) => {
    const name = `${rel}.${base}`;
    try {
      parseNameText(`${name}.`, '.');
    } catch (err) {
      report('error', 'bad-name', `${name}: ${(err as Error).message}`, path, 'Hesiod names become DNS names: labels of at most 63 octets, 255 in all, no empty labels');
      return;
    }
    records.push({ record: { name, type, class: zoneClass, ttl: map.ttl, data }, position: locate(path) });
  };
  const txt = (rel: string, text: string, path: DataPath) => add(rel, 'TXT', txtStrings(text), path);

  const ns = map.ns.map(absolute);
  records.push({ record: { name: origin, type: 'SOA', class: zoneClass, ttl: map.ttl, data: soaData(map, ns, base) }, position: locate(['soa']) });
  ns.forEach((n, i) => records.push({ record: { name: origin, type: 'NS', class: zoneClass, ttl: map.ttl, data: n }, position: locate(['ns', i]) }));

  const groupNames = Object.keys(map.groups);
  const membership = groupMembership(map, (userName, group, i) =>
    report('error', 'unknown-group', `user ${userName} lists group "${group}", which is not in groups${didYouMean(group, groupNames)}`, ['users', userName, 'groups', i], 'add the group under groups:, or remove it from the user'),
  );

  const seenUid = new Map<number, string>();
  for (const [name, u] of Object.entries(map.users)) {
    const at = ['users', name];
    txt(`${name}.passwd`, passwdLine({ name, ...u }), at);
    const other = seenUid.get(u.uid);
    if (other !== undefined) report('error', 'duplicate-uid', `users ${other} and ${name} share uid ${u.uid}; ${u.uid}.uid can point at only one`, [...at, 'uid'], 'give each user its own uid');
    else {
      seenUid.set(u.uid, name);
      add(`${u.uid}.uid`, 'CNAME', `${name}.passwd.${base}`, [...at, 'uid']);
    }
    const groups = membership.grplist.get(name) ?? [];
    if (groups.length) txt(`${name}.grplist`, grplistLine(groups), at);
    if (u.pobox !== undefined) txt(`${name}.pobox`, poboxLine(pobox(u.pobox, name)), [...at, 'pobox']);
    if (u.filsys !== undefined) for (const f of list(u.filsys)) txt(`${name}.filsys`, filsysLine(filsys(f)), [...at, 'filsys']);
  }

  const seenGid = new Map<number, string>();
  for (const [name, g] of Object.entries(map.groups)) {
    const at = ['groups', name];
    g.members.forEach((m, i) => {
      if (!(m in map.users)) report('warning', 'unknown-member', `group ${name} lists member "${m}", who is not in users`, [...at, 'members', i], 'members need not be Hesiod users, but check the spelling');
    });
    txt(`${name}.group`, groupLine(name, g.gid, membership.members.get(name) ?? []), at);
    const other = seenGid.get(g.gid);
    if (other !== undefined) report('error', 'duplicate-gid', `groups ${other} and ${name} share gid ${g.gid}; ${g.gid}.gid can point at only one`, [...at, 'gid'], 'give each group its own gid');
    else {
      seenGid.set(g.gid, name);
      add(`${g.gid}.gid`, 'CNAME', `${name}.group.${base}`, [...at, 'gid']);
    }
  }

  for (const [name, fs] of Object.entries(map.filsys)) for (const f of list(fs)) txt(`${name}.filsys`, filsysLine(filsys(f)), ['filsys', name]);
  for (const [name, p] of Object.entries(map.pobox)) txt(`${name}.pobox`, poboxLine(pobox(p, name)), ['pobox', name]);
  for (const [name, s] of Object.entries(map.services)) {
    const at = ['services', name];
    for (const proto of list(s.proto)) txt(`${name}.service`, serviceLine({ name, proto, port: s.port, aliases: s.aliases }), at);
    // hesiod_getservbyname looks up the name it is given, so aliases need names of their own.
    s.aliases.forEach((a, i) => {
      if (a in map.services) report('error', 'alias-is-service', `service alias "${a}" of ${name} is also a service`, [...at, 'aliases', i], 'remove the alias or the other service');
      else add(`${a}.service`, 'CNAME', `${name}.service.${base}`, [...at, 'aliases', i]);
    });
  }
  for (const [host, pairs] of Object.entries(map.clusters)) for (const [key, values] of Object.entries(pairs)) for (const v of list(values)) txt(`${host}.cluster`, `${key} ${v}`, ['clusters', host, key]);
  for (const [svc, hosts] of Object.entries(map.sloc)) for (const h of list(hosts)) txt(`${svc}.sloc`, absolute(h), ['sloc', svc]);

  map.raw.forEach((line, i) => {
    const parsed = parseRecordLines(line, { origin, file, zoneClass, defaultTtl: map.ttl });
    const where = locate(['raw', i]);
    for (const d of parsed.diagnostics) diagnostics.push({ ...d, position: where, message: `raw[${i}]: ${d.message}` });
    for (const r of parsed.records) records.push({ ...r, position: where });
  });

  const checked = checkZone({ origin, class: zoneClass, records, file, incomplete: hasErrors(diagnostics) });
  const all = sortDiagnostics([...diagnostics, ...checked.diagnostics]);
  if (hasErrors(all)) throw new ValidationError(all, `Hesiod map ${file}`);
  const warnings = all.filter((d) => d.severity === 'warning');
  return { origin, class: zoneClass, answerClasses, records: checked.records, source: file, ...(warnings.length ? { warnings } : {}) };
}

function list<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

function soaData(map: HesiodMap, ns: readonly string[], base: string): ResourceRecord['data'] {
  const rhsDomain = absolute(map.rhs.replace(/^\.+/, '')) || base;
  return {
    mname: absolute(map.soa.mname ?? ns[0]!),
    rname: absolute(map.soa.rname ?? `hostmaster.${rhsDomain}`),
    serial: map.soa.serial,
    refresh: map.soa.refresh,
    retry: map.soa.retry,
    expire: map.soa.expire,
    minimum: map.soa.minimum,
  };
}

function pobox(p: HesiodMap['pobox'][string], owner: string): { type: string; host: string; name: string } {
  return typeof p === 'string' ? { type: 'POP', host: p, name: owner } : { type: p.type, host: p.host, name: p.name ?? owner };
}

function filsys(f: z.infer<typeof filsysSchema>): Filsys {
  return typeof f === 'string' ? { type: 'raw', text: f } : f;
}

/**
 * Group membership both ways: a user is in a group when the group lists them, when they
 * list the group, or (for grplist, first) when it is their primary group.
 */
function groupMembership(map: HesiodMap, unknownGroup: (user: string, group: string, index: number) => void): {
  members: Map<string, string[]>;
  grplist: Map<string, Array<{ name: string; gid: number }>>;
} {
  const members = new Map<string, string[]>();
  const memberSets = new Map<string, Set<string>>();
  for (const [g, def] of Object.entries(map.groups)) {
    const set = new Set(def.members);
    members.set(g, [...set]);
    memberSets.set(g, set);
  }
  for (const [user, u] of Object.entries(map.users)) {
    (u.groups ?? []).forEach((g, i) => {
      const set = memberSets.get(g);
      if (!set) unknownGroup(user, g, i);
      else if (!set.has(user)) {
        set.add(user);
        members.get(g)!.push(user);
      }
    });
  }
  // Indexes keep this linear: a 10k-user site has 10k personal groups.
  const groupByGid = new Map<number, string>();
  for (const [g, def] of Object.entries(map.groups)) if (!groupByGid.has(def.gid)) groupByGid.set(def.gid, g);
  const groupsOfUser = new Map<string, string[]>();
  for (const [g, m] of members) {
    for (const user of m) {
      let list = groupsOfUser.get(user);
      if (!list) groupsOfUser.set(user, (list = []));
      list.push(g);
    }
  }
  const grplist = new Map<string, Array<{ name: string; gid: number }>>();
  for (const [user, u] of Object.entries(map.users)) {
    const primary = groupByGid.get(u.gid);
    const names = primary ? [primary] : [];
    for (const g of groupsOfUser.get(user) ?? []) if (g !== primary) names.push(g);
    grplist.set(user, names.map((name) => ({ name, gid: map.groups[name]!.gid })));
  }
  return { members, grplist };
}

/** Validate a YamlSource as a Hesiod map and generate its zone; every problem at once. */
export function hesiodMapSourceToZone(source: YamlSource): HesiodZone {
  if (hasErrors(source.diagnostics)) throw new ValidationError(source.diagnostics, `Hesiod map ${source.file}`);
  const { value, diagnostics } = validateAgainstSchema(hesiodMapSchema, source, 'hesiod');
  if (!value) throw new ValidationError(sortDiagnostics(diagnostics), `Hesiod map ${source.file}`);
  return hesiodMapToZone(value, { file: source.file, locate: (p) => source.locate(p) });
}

export function parseHesiodMapText(text: string, file: string): HesiodZone {
  return hesiodMapSourceToZone(parseYamlSource(text, file));
}

export async function loadHesiodMapFile(file: string): Promise<HesiodZone> {
  return hesiodMapSourceToZone(await loadYamlFile(file));
}
