/**
 * The TXT strings Hesiod clients parse, one function per Hesiod type. Formats follow
 * what libhesiod 3.2.1 and hesinfo(1) read:
 * - passwd / uid: an /etc/passwd line `name:*:uid:gid:gecos:home:shell` (hesiod_getpwnam);
 * - group / gid: an /etc/group line `name:*:gid:member,member`;
 * - grplist: `group:gid:group:gid…` (README of the hesiod package);
 * - pobox: `TYPE host name`, split on whitespace (hesiod_getmailhost);
 * - service: `name proto port aliases…` (hesiod_getservbyname);
 * - filsys: Athena's `NFS path server mode mountpoint` / `AFS path mode mountpoint` / `ERR message`;
 * - cluster: `key value`; sloc: a host name.
 * libhesiod concatenates all character-strings of one TXT record, so values longer than
 * 255 bytes are split into several strings of one record.
 */

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export function passwdLine(u: PasswdEntry): string {
  return `${u.name}:*:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}`;
}

export function groupLine(name: string, gid: number, members: readonly string[]): string {
  return `${name}:*:${gid}:${members.join(',')}`;
}

export function grplistLine(groups: ReadonlyArray<{ name: string; gid: number }>): string {
  return groups.map((g) => `${g.name}:${g.gid}`).join(':');
}

export interface Pobox {
  type: string;
  host: string;
  name: string;
}

export function poboxLine(p: Pobox): string {
  return `${p.type} ${p.host} ${p.name}`;
}

export interface Service {
  name: string;
  proto: string;
  port: number;
  aliases: readonly string[];
}

export function serviceLine(s: Service): string {
  return [s.name, s.proto, String(s.port), ...s.aliases].join(' ');
}

export type Filsys =
  | { type: 'NFS'; path: string; server: string; mode: string; mount: string }
  | { type: 'AFS'; path: string; mode: string; mount: string }
  | { type: 'ERR'; message: string }
  | { type: 'raw'; text: string };

export function filsysLine(f: Filsys): string {
  switch (f.type) {
    case 'NFS':
      return `NFS ${f.path} ${f.server} ${f.mode} ${f.mount}`;
    case 'AFS':
      return `AFS ${f.path} ${f.mode} ${f.mount}`;
    case 'ERR':
      return `ERR ${f.message}`;
    case 'raw':
      return f.text;
  }
}

/** One TXT record's character-strings for `text`: UTF-8 bytes in chunks of at most 255. */
export function txtStrings(text: string): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return [Buffer.alloc(0)];
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(Buffer.from(bytes.subarray(i, i + 255)));
  return out;
}
