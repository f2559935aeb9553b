/**
 * A DNS server node in the sim: the same sans-IO answer core `flatlab hesiod` runs, over the
 * same zone file the lab generator writes for the node, queried with real DNS messages.
 */
import packet from 'dns-packet';
import { answer } from '../../dns/server/respond.js';
import { buildZoneIndex, type ZoneIndex } from '../../dns/server/zone-index.js';
import { originFromText, parseZoneText } from '../../dns/zone/parse.js';
import type { ConfigFile } from '../../emit/config-file.js';
import type { LabNode } from '../../topology/lab.js';
import { RuntimeError } from '../errors.js';
import type { DnsObservation, DnsQuery } from '../runtime.js';

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

export class SimDnsNode {
  private readonly index: ZoneIndex;
  private nextId = 1;

  constructor(readonly node: LabNode, files: readonly ConfigFile[]) {
    const zoneFile = files.find((f) => f.path.endsWith('.zone'));
    if (!zoneFile) throw new RuntimeError('sim.dns-no-zone', `node ${node.name} has no zone file to serve`, { hint: 'give the node config.map or config.zone' });
    // The daemon takes the origin from the file's $ORIGIN line; so does the sim.
    const origin = originFromText(zoneFile.content);
    if (!origin) throw new RuntimeError('sim.dns-no-origin', `the zone written for ${node.name} has no $ORIGIN`, { hint: 'this is a bug in the zone writer' });
    this.index = buildZoneIndex([parseZoneText(zoneFile.content, { origin, file: `${node.name}/${zoneFile.path}` })]);
  }

  query(q: DnsQuery, nowSeconds: number): Omit<DnsObservation, 'elapsedMs'> {
    const id = this.nextId++ & 0xffff;
    const query = packet.encode({ type: 'query', id, flags: 0, questions: [{ name: q.name, type: q.type as packet.RecordType, class: (q.class ?? 'IN') as packet.RecordClass }] });
    const response = answer(query, { index: this.index, transport: 'udp', nowSeconds });
    if (!response) return { rcode: 'TIMEOUT', answers: [] };
    const decoded = packet.decode(response);
    // RCODE is the low four bits of the flags word (RFC 1035 §4.1.1).
    const rcode = (decoded.flags ?? 0) & 0x0f;
    return {
      rcode: RCODES[rcode] ?? `RCODE${rcode}`,
      answers: (decoded.answers ?? []).map((a) => ({ name: a.name, type: a.type, ttl: (a as { ttl?: number }).ttl ?? 0, data: dataText(a) })),
    };
  }
}

function dataText(a: packet.Answer): string {
  const data = (a as { data?: unknown }).data;
  if (a.type === 'TXT') return (Array.isArray(data) ? data : [data]).map((d) => (Buffer.isBuffer(d) ? d.toString('utf8') : String(d))).join('');
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') return Object.values(data as Record<string, unknown>).map(String).join(' ');
  return String(data);
}
