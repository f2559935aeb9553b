/**
 * bgpd counters and their Prometheus rendering. Messages are counted from the bytes the
 * daemon moves (a 19-byte header scan, so the speaker core stays free of bookkeeping);
 * prefix counts and states are read from the core when /metrics is asked for. Names follow
 * the flatlab_dns_* family: flatlab_bgp_<what>[_total|_seconds].
 */
import { MetricsRegistry } from '../../observe/metrics.js';

/** What /metrics shows about MRT output. */
export interface MrtCounters {
  tableDumps: { ok: number; failed: number };
  /** Records handed to the update log, and records dropped because its file had failed. */
  updateRecords: { written: number; dropped: number };
  /** Update log files that failed (to open or to write). */
  updateWriteErrors: number;
}

/** The counters before any MRT output was written (also what /metrics shows while none is loaded). */
export function emptyMrtCounters(): MrtCounters {
  return { tableDumps: { ok: 0, failed: 0 }, updateRecords: { written: 0, dropped: 0 }, updateWriteErrors: 0 };
}

export const MESSAGE_TYPES: Readonly<Record<number, string>> = { 1: 'open', 2: 'update', 3: 'notification', 4: 'keepalive', 5: 'route_refresh' };
const HEADER = 19;

/** Index of a message type in MessageTally's counts: its code, or 0 for a code not in MESSAGE_TYPES. */
const TYPE_NAMES: readonly string[] = ['unknown', ...[1, 2, 3, 4, 5].map((code) => MESSAGE_TYPES[code]!)];

/**
 * Counts BGP messages by type in a TCP byte stream, however it is split into chunks. It runs
 * on every chunk a peer sends, so it reads headers in place (only a header split across chunks
 * is copied) and jumps over message bodies.
 */
export class MessageTally {
  private readonly byType = new Array<number>(TYPE_NAMES.length).fill(0);
  /** Type indexes in the order first seen (the order `counts` lists them). */
  private readonly seen: number[] = [];
  private readonly header = new Uint8Array(HEADER);
  private have = 0;
  private skip = 0;

  push(chunk: Uint8Array): void {
    const end = chunk.length;
    let i = 0;
    while (i < end) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, end - i);
        this.skip -= n;
        i += n;
        continue;
      }
      let length: number;
      let type: number;
      if (this.have === 0 && end - i >= HEADER) {
        length = (chunk[i + 16]! << 8) | chunk[i + 17]!;
        type = chunk[i + 18]!;
        i += HEADER;
      } else {
        while (this.have < HEADER && i < end) this.header[this.have++] = chunk[i++]!;
        if (this.have < HEADER) break;
        length = (this.header[16]! << 8) | this.header[17]!;
        type = this.header[18]!;
        this.have = 0;
      }
      const t = type > 0 && type < TYPE_NAMES.length ? type : 0;
      if (this.byType[t] === 0) this.seen.push(t);
      this.byType[t]! += 1;
      // A length below 19 is a header error the speaker answers with a NOTIFICATION; count it and go on.
      this.skip = Math.max(0, length - HEADER);
    }
  }

  /** A new transport starts at a message boundary. */
  restart(): void {
    this.have = 0;
    this.skip = 0;
  }

  /** Messages by type name, in the order the types were first seen. */
  get counts(): Map<string, number> {
    return new Map(this.seen.map((t) => [TYPE_NAMES[t]!, this.byType[t]!]));
  }

  get(type: string): number {
    const t = TYPE_NAMES.indexOf(type);
    return t < 0 ? 0 : this.byType[t]!;
  }
}

/** Everything counted for one peer over the daemon's life (kept across session resets). */
export class PeerCounters {
  readonly received = new MessageTally();
  readonly sent = new MessageTally();
  establishedTransitions = 0;
}

export interface PeerMetricsInput {
  name: string;
  address: string;
  remoteAs: number;
  state: string;
  /** Seconds Established; 0 when not. */
  uptime: number;
  prefixes: { received: number; accepted: number; advertised: number };
  counters: PeerCounters | undefined;
}

export interface BgpdMetricsInput {
  peers: readonly PeerMetricsInput[];
  locRibRoutes: number;
  reloads: { ok: number; failed: number };
  /** MRT output (mrt-output.ts); absent from older callers. */
  mrt?: MrtCounters;
}

/** RFC 4271 §8.2.2 states, for the one-hot state gauge. */
export const SESSION_STATES = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] as const;

export function renderBgpdMetrics(input: BgpdMetricsInput): string {
  const reg = new MetricsRegistry();
  const state = reg.gauge('flatlab_bgp_peer_state', 'Session state of each peer: 1 for the current state (RFC 4271 §8.2.2), 0 for the others.');
  const up = reg.gauge('flatlab_bgp_peer_up', '1 when the session is Established.');
  const uptime = reg.gauge('flatlab_bgp_peer_uptime_seconds', 'Seconds since the session became Established (0 when it is not).');
  const transitions = reg.counter('flatlab_bgp_peer_established_total', 'Times the session reached Established.');
  const received = reg.counter('flatlab_bgp_messages_received_total', 'BGP messages received, by type.');
  const sent = reg.counter('flatlab_bgp_messages_sent_total', 'BGP messages sent, by type.');
  const updatesIn = reg.counter('flatlab_bgp_updates_received_total', 'UPDATE messages received.');
  const updatesOut = reg.counter('flatlab_bgp_updates_sent_total', 'UPDATE messages sent.');
  const prefReceived = reg.gauge('flatlab_bgp_prefixes_received', 'Prefixes in the Adj-RIB-In before import policy.');
  const prefAccepted = reg.gauge('flatlab_bgp_prefixes_accepted', 'Prefixes the import policy accepted.');
  const prefAdvertised = reg.gauge('flatlab_bgp_prefixes_advertised', 'Prefixes in the Adj-RIB-Out.');
  const locRib = reg.gauge('flatlab_bgp_loc_rib_routes', 'Prefixes with a best path in the Loc-RIB.');
  const reloads = reg.counter('flatlab_bgp_reloads_total', 'Configuration reloads by result.');
  for (const p of input.peers) {
    const peer = { peer: p.name };
    for (const s of SESSION_STATES) state.set(p.state === s ? 1 : 0, { peer: p.name, state: s });
    up.set(p.state === 'Established' ? 1 : 0, { ...peer, address: p.address, remote_as: String(p.remoteAs) });
    uptime.set(p.uptime, peer);
    transitions.inc(peer, p.counters?.establishedTransitions ?? 0);
    for (const type of Object.values(MESSAGE_TYPES)) {
      received.inc({ peer: p.name, type }, p.counters?.received.get(type) ?? 0);
      sent.inc({ peer: p.name, type }, p.counters?.sent.get(type) ?? 0);
    }
    updatesIn.inc(peer, p.counters?.received.get('update') ?? 0);
    updatesOut.inc(peer, p.counters?.sent.get('update') ?? 0);
    prefReceived.set(p.prefixes.received, peer);
    prefAccepted.set(p.prefixes.accepted, peer);
    prefAdvertised.set(p.prefixes.advertised, peer);
  }
  locRib.set(input.locRibRoutes);
  reloads.inc({ result: 'ok' }, input.reloads.ok);
  reloads.inc({ result: 'failed' }, input.reloads.failed);
  if (input.mrt) {
    const dumps = reg.counter('flatlab_bgp_mrt_table_dumps_total', 'MRT TABLE_DUMP_V2 RIB dumps by result (a failed one is logged with its reason).');
    dumps.inc({ result: 'ok' }, input.mrt.tableDumps.ok);
    dumps.inc({ result: 'failed' }, input.mrt.tableDumps.failed);
    const records = reg.counter('flatlab_bgp_mrt_update_records_total', 'BGP4MP records for the update log: written, or dropped because the file had failed.');
    records.inc({ result: 'written' }, input.mrt.updateRecords.written);
    records.inc({ result: 'dropped' }, input.mrt.updateRecords.dropped);
    reg.counter('flatlab_bgp_mrt_update_write_errors_total', 'Update log files that failed to open or write.').inc({}, input.mrt.updateWriteErrors);
  }
  return reg.render();
}
