/** A small Hesiod zone built in code (independent of the zone-file parser) for engine tests. */
import type { ResourceRecord, Zone } from '../../../src/dns/zone/model.js';

const O = 'ns.example.org';

function rr(name: string, type: string, data: unknown, ttl = 3600): ResourceRecord {
  return { name: name === '@' ? O : `${name}.${O}`, type, class: 'HS', ttl, data };
}

const txt = (...s: string[]) => s.map((x) => Buffer.from(x));

export const JDOE_PASSWD = 'jdoe:*:1001:1001:Jane Doe:/home/jdoe:/bin/bash';

export function hesiodZone(extra: ResourceRecord[] = []): Zone {
  return {
    origin: O,
    class: 'HS',
    records: [
      rr('@', 'SOA', { mname: `ns1.${O}`, rname: `hostmaster.${O}`, serial: 2024010101, refresh: 3600, retry: 600, expire: 86400, minimum: 300 }),
      rr('@', 'NS', `ns1.${O}`),
      rr('ns1', 'A', '127.0.0.1'),
      rr('jdoe.passwd', 'TXT', txt(JDOE_PASSWD)),
      rr('1001.uid', 'CNAME', `jdoe.passwd.${O}`),
      rr('loop1', 'CNAME', `loop2.${O}`),
      rr('loop2', 'CNAME', `loop1.${O}`),
      rr('dangling', 'CNAME', `nobody.passwd.${O}`),
      rr('outside', 'CNAME', 'www.example.com'),
      rr('big.txt', 'TXT', txt(...Array.from({ length: 40 }, (_, i) => `string ${i} `.padEnd(60, 'x')))),
      rr('sub', 'NS', `ns.sub.${O}`),
      rr('ns.sub', 'A', '127.0.0.2'),
      rr('*.wild', 'TXT', txt('wild')),
      rr('a.b.c', 'TXT', txt('deep')),
      ...extra,
    ],
  };
}

export const ORIGIN = O;
