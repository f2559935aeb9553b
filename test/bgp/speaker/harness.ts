/**
 * A tiny in-process network for speaker tests: speakers joined by virtual TCP connections,
 * bytes delivered in order, a virtual clock. Every loop is bounded.
 */
import { Speaker, type Output, type SpeakerConfig, type SpeakerEvent } from '../../../src/bgp/speaker/index.js';
import { codecContext, decodeMessage, type BgpMessage, type CodecContext } from '../../../src/bgp/wire/index.js';

interface End { node: string; peer: string }

export interface Sent { at: number; from: string; peer: string; bytes: Uint8Array }

export class Lab {
  readonly speakers = new Map<string, Speaker>();
  readonly events = new Map<string, SpeakerEvent[]>();
  readonly sent: Sent[] = [];
  now = 0;
  /** Ends whose transport is up: "node/peer" → the other end. */
  private readonly up = new Map<string, End>();
  private readonly wires = new Map<string, End>();
  private readonly queue: Array<{ to: End; bytes: Uint8Array }> = [];
  /** Nodes whose received bytes are dropped (a peer that stopped answering). */
  readonly deaf = new Set<string>();

  add(name: string, config: SpeakerConfig): Speaker {
    const s = new Speaker(config, { now: this.now });
    this.speakers.set(name, s);
    this.events.set(name, []);
    return s;
  }

  /** `a`'s peer `aPeer` is `b`'s peer `bPeer`. */
  wire(a: string, aPeer: string, b: string, bPeer: string): void {
    this.wires.set(`${a}/${aPeer}`, { node: b, peer: bPeer });
    this.wires.set(`${b}/${bPeer}`, { node: a, peer: aPeer });
  }

  speaker(name: string): Speaker {
    const s = this.speakers.get(name);
    if (!s) throw new Error(`no speaker ${name}`);
    return s;
  }

  /** Feed an Output of `node` into the network, then deliver until quiet. */
  apply(node: string, out: Output): void {
    this.absorb(node, out);
    this.settle();
  }

  startAll(): void {
    for (const [name, s] of this.speakers) for (const key of this.wires.keys()) if (key.startsWith(`${name}/`)) this.absorb(name, s.startPeer(key.slice(name.length + 1)));
    this.settle();
  }

  /** Advance the virtual clock by `ms` in steps, ticking every speaker and delivering bytes. */
  advance(ms: number, step = 1000): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + step);
      for (const [name, s] of this.speakers) this.absorb(name, s.tick(this.now));
      this.settle();
    }
  }

  private absorb(node: string, out: Output): void {
    this.events.get(node)!.push(...out.events);
    for (const { peer, bytes } of out.send) {
      this.sent.push({ at: this.now, from: node, peer, bytes });
      const to = this.up.get(`${node}/${peer}`);
      if (to) this.queue.push({ to, bytes });
    }
    for (const peer of out.close) this.closeEnd({ node, peer });
    for (const peer of out.connect) this.connect({ node, peer });
  }

  private connect(from: End): void {
    if (this.up.has(`${from.node}/${from.peer}`)) return;
    const to = this.wires.get(`${from.node}/${from.peer}`);
    if (!to) return;
    const other = this.speaker(to.node);
    const state = other.sessionState(to.peer);
    // A closed port: the peer is not started (Idle); the connect simply fails and ConnectRetry tries again.
    if (state === 'Idle') return;
    this.up.set(`${from.node}/${from.peer}`, to);
    this.up.set(`${to.node}/${to.peer}`, from);
    this.absorb(from.node, this.speaker(from.node).connectionUp(from.peer, { initiatedLocally: true }));
    this.absorb(to.node, other.connectionUp(to.peer, { initiatedLocally: false }));
  }

  private closeEnd(end: End): void {
    const other = this.up.get(`${end.node}/${end.peer}`);
    if (!other) return;
    this.up.delete(`${end.node}/${end.peer}`);
    this.up.delete(`${other.node}/${other.peer}`);
    // Bytes already in flight towards the closing end are lost with the connection; those towards the other end still arrive first.
    this.absorb(other.node, this.deliverPendingThenDown(other));
  }

  private deliverPendingThenDown(end: End): Output {
    const s = this.speaker(end.node);
    const merged: Output = { send: [], connect: [], close: [], events: [] };
    const mine = this.queue.filter((q) => q.to.node === end.node && q.to.peer === end.peer);
    for (const q of mine) this.queue.splice(this.queue.indexOf(q), 1);
    for (const q of mine) {
      if (s.sessionState(end.peer) === 'Idle') break;
      mergeInto(merged, s.receive(end.peer, q.bytes));
    }
    mergeInto(merged, s.connectionDown(end.peer));
    return merged;
  }

  private settle(): void {
    for (let i = 0; i < 100_000 && this.queue.length > 0; i++) {
      const { to, bytes } = this.queue.shift()!;
      if (!this.up.has(`${to.node}/${to.peer}`) || this.deaf.has(to.node)) continue;
      this.absorb(to.node, this.speaker(to.node).receive(to.peer, bytes));
    }
    if (this.queue.length > 0) throw new Error('harness: messages still queued after 100000 deliveries');
  }

  /** Decoded messages `from` sent to its peer `peer` (4-octet context; pass another for 2-octet sessions). */
  messages(from: string, peer: string, ctx: CodecContext = codecContext()): BgpMessage[] {
    return this.sent.filter((s) => s.from === from && s.peer === peer).map((s) => decodeMessage(s.bytes, ctx).message);
  }
}

function mergeInto(a: Output, b: Output): void {
  a.send.push(...b.send);
  a.connect.push(...b.connect);
  a.close.push(...b.close);
  a.events.push(...b.events);
}
