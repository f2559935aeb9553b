/**
 * DNS server nodes in the sim, queried with real DNS messages: the authoritative one runs the
 * same sans-IO answer core `flatlab hesiod` runs, over the zone file the lab generator writes
 * for the node; the DNS64 one runs `flatlab dns64`'s sans-IO core (RFC 6147 synthesis) and asks
 * its upstream through the runtime, which carries the question over the lab's paths.
 */
import packet from 'dns-packet';
import { buildPolicy, type Dns64Policy } from '../../dns/dns64/policy.js';
import { respondDns64, serverFailure } from '../../dns/dns64/respond.js';
import { questionKey, type Dns64Question } from '../../dns/dns64/synthesize.js';
import { upstreamAnswer, type UpstreamAnswer } from '../../dns/dns64/upstream-answer.js';
import { answer } from '../../dns/server/respond.js';
import { buildUpstreamQuery } from '../../dns/server/dns64-upstream.js';
import { decodeMessage } from '../../dns/wire/message.js';
import { buildZoneIndex, type ZoneIndex } from '../../dns/server/zone-index.js';
import { originFromText, parseZoneText } from '../../dns/zone/parse.js';
import type { ConfigFile } from '../../emit/config-file.js';
import type { LabNode } from '../../topology/lab.js';
import { RuntimeError } from '../errors.js';
import type { DnsObservation, DnsQuery } from '../runtime.js';

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** What the sim runtime asks of any DNS node: observe a query, or answer raw bytes (for a resolver upstream of it). */
export interface SimDnsEngine {
  readonly node: LabNode;
  query(q: DnsQuery, nowSeconds: number): Omit<DnsObservation, 'elapsedMs'>;
  answerBytes(query: Uint8Array, nowSeconds: number): Uint8Array | undefined;
}

export class SimDnsNode implements SimDnsEngine {
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
    return observe(this.answerBytes(encodeQuery(q, this.nextId++ & 0xffff), nowSeconds));
  }

  answerBytes(query: Uint8Array, nowSeconds: number): Uint8Array | undefined {
    return answer(Buffer.from(query), { index: this.index, transport: 'udp', nowSeconds }) ?? undefined;
  }
}

/** Upper bound on upstream questions per client query (AAAA then A; PTR; a CNAME chain's end). */
const DNS64_MAX_STEPS = 6;

/**
 * `flatlab dns64` in the sim: `respondDns64` asks for upstream answers one question at a time;
 * `ask` carries each to the upstream (undefined: no path, no server, no answer → SERVFAIL, as
 * the daemon answers when every upstream times out, RFC 6147 §5.1.3). No cache: each query
 * asks afresh, so the sim shows the upstream's current data.
 */
export class SimDns64Node implements SimDnsEngine {
  private readonly policy: Dns64Policy;
  private nextId = 1;

  constructor(readonly node: LabNode, config: Record<string, unknown>, private readonly ask: (query: Uint8Array, nowSeconds: number) => Uint8Array | undefined) {
    const prefixes = Array.isArray(config.prefix) ? config.prefix.map(String) : typeof config.prefix === 'string' ? [config.prefix] : [];
    this.policy = buildPolicy({ prefixes });
  }

  query(q: DnsQuery, nowSeconds: number): Omit<DnsObservation, 'elapsedMs'> {
    return observe(this.answerBytes(encodeQuery(q, this.nextId++ & 0xffff), nowSeconds));
  }

  answerBytes(query: Uint8Array, nowSeconds: number): Uint8Array | undefined {
    const known = new Map<string, UpstreamAnswer>();
    for (let step = 0; step < DNS64_MAX_STEPS; step++) {
      const s = respondDns64(query, { policy: this.policy, transport: 'udp', known: (q) => known.get(questionKey(q)) });
      if (s.kind === 'response') return s.bytes;
      const answer = this.upstream(s.question, nowSeconds);
      if (!answer) return serverFailure(query);
      known.set(questionKey(s.question), answer);
    }
    return serverFailure(query);
  }

  private upstream(q: Dns64Question, nowSeconds: number): UpstreamAnswer | undefined {
    const bytes = this.ask(buildUpstreamQuery(q, this.nextId++ & 0xffff, 1232), nowSeconds);
    if (!bytes) return undefined;
    try {
      return upstreamAnswer(decodeMessage(bytes));
    } catch {
      return undefined;
    }
  }
}

function encodeQuery(q: DnsQuery, id: number): Buffer {
  // RD set, as dig sends it: a recursive resolver only recurses when asked to.
  return packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ name: q.name, type: q.type as packet.RecordType, class: (q.class ?? 'IN') as packet.RecordClass }] });
}

function observe(response: Uint8Array | undefined): Omit<DnsObservation, 'elapsedMs'> {
  if (!response) return { rcode: 'TIMEOUT', answers: [] };
  const decoded = packet.decode(Buffer.from(response));
  // RCODE is the low four bits of the flags word (RFC 1035 §4.1.1).
  const rcode = (decoded.flags ?? 0) & 0x0f;
  return {
    rcode: RCODES[rcode] ?? `RCODE${rcode}`,
    answers: (decoded.answers ?? []).map((a) => ({ name: a.name, type: a.type, ttl: (a as { ttl?: number }).ttl ?? 0, data: dataText(a) })),
  };
}

function dataText(a: packet.Answer): string {
  const data = (a as { data?: unknown }).data;
  if (a.type === 'TXT') return (Array.isArray(data) ? data : [data]).map((d) => (Buffer.isBuffer(d) ? d.toString('utf8') : String(d))).join('');
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') return Object.values(data as Record<string, unknown>).map(String).join(' ');
  return String(data);
}
