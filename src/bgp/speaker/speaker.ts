/**
 * The BGP speaker core, sans-IO (style.md, the holo model): bytes, connection changes and
 * clock ticks go in; bytes to send, transports to open or close, and events come out. No
 * sockets and no timers live here; a driver (the daemon, the sim runtime, a test harness)
 * moves bytes and calls `tick`.
 *
 * Per peer: session state machine, framer and codec context, Adj-RIB-In (pre- and
 * post-import-policy), Adj-RIB-Out, import and export chains. Shared: the Loc-RIB.
 */
import {
  AS_TRANS,
  BgpDecodeError,
  BgpFramer,
  checkOpen,
  codecContext,
  decodeMessage,
  encodeMessage,
  endOfRib,
  endOfRibFamily,
  familyOf,
  notificationFor,
  shutdownCommunicationOf,
  shutdownNotification,
  type BgpMessage,
  type Capability,
  type CodecContext,
  type DecodedMessage,
  type Family,
  type NotificationMessage,
  type OpenMessage,
  type PathAttributes,
  type Prefix,
  type UpdateMessage,
} from '../wire/index.js';
import { applyPolicyChain } from '../policy/evaluate.js';
import { parseAddress, parsePrefix } from '../policy/address.js';
import { prependAsPath } from '../policy/as-path.js';
import { FlatlabError } from '../../config/diagnostics.js';
import { normaliseSpeakerConfig, type NormalisedConfig, type NormalisedPeer, type SpeakerConfig } from './config.js';
import { bestOf, LOCAL, type Candidate } from './decision.js';
import { emptyOutput, type Output, type SessionState, type SpeakerEvent } from './events.js';
import { attributesKey, packUpdates, type OutgoingChange } from './packing.js';

/** A call the speaker cannot honour (unknown peer, bytes without a connection, a bad prefix). */
export class SpeakerInputError extends FlatlabError {
  constructor(code: string, what: string, hint: string) {
    super(`bgp.speaker.${code}`, what, { hint });
  }
}

/** RFC 4271 §8.2.2: the hold timer while waiting for OPEN is "a large value"; 4 minutes is suggested. */
const OPEN_HOLD_MS = 240_000;
/** RFC 4271 §4.2: LOCAL_PREF when none is known. */
const DEFAULT_LOCAL_PREF = 100;
const NO_EXPORT = 0xffffff01;
const NO_ADVERTISE = 0xffffff02;
/** RFC 6608 FSM error subcodes: unexpected message in OpenSent / OpenConfirm / Established. */
const FSM_SUBCODE: Partial<Record<SessionState, number>> = { OpenSent: 1, OpenConfirm: 2, Established: 3 };

const FAMILY_AFI: Record<Family, number> = { 'ipv4-unicast': 1, 'ipv6-unicast': 2 };

interface PeerState {
  cfg: NormalisedPeer;
  state: SessionState;
  /** Started by startPeer and not stopped since. */
  enabled: boolean;
  connected: boolean;
  initiatedLocally: boolean;
  framer: BgpFramer | undefined;
  ctx: CodecContext;
  families: Set<Family>;
  peerRouterId: string;
  peerRouteRefresh: boolean;
  /** Negotiated hold time, seconds. */
  holdTime: number;
  holdAt: number | undefined;
  keepaliveAt: number | undefined;
  connectRetryAt: number | undefined;
  mraiNextAt: number;
  adjInPre: Map<string, PathAttributes>;
  adjIn: Map<string, PathAttributes>;
  adjOut: Map<string, { attributes: PathAttributes; key: string }>;
  pending: Set<string>;
  /** End-of-RIB still owed after the initial table dump (RFC 4724 §2). */
  endOfRibDue: boolean;
}

interface LocRibEntry {
  candidates: Map<string, Candidate>;
  best: Candidate | undefined;
  reason: string;
}

export interface LocRibRoute {
  prefix: string;
  from: string;
  attributes: PathAttributes;
  reason: string;
}

export function familyOfPrefix(prefix: string): Family {
  return prefix.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast';
}

export class Speaker {
  private readonly config: NormalisedConfig;
  private readonly peers = new Map<string, PeerState>();
  private readonly locRib = new Map<string, LocRibEntry>();
  private now: number;

  constructor(config: SpeakerConfig, clock: { now: number }) {
    this.config = normaliseSpeakerConfig(config);
    this.now = clock.now;
    for (const cfg of this.config.peers) this.peers.set(cfg.id, this.freshPeer(cfg));
  }

  // ------------------------------------------------------------------ inputs

  startPeer(peerId: string): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    p.enabled = true;
    if (p.state === 'Idle') this.beginConnecting(p, out);
    return out;
  }

  /** Administrative shutdown; `reason` goes out as the RFC 8203/9003 shutdown communication. */
  stopPeer(peerId: string, reason?: string): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    p.enabled = false;
    if (p.connected && (p.state === 'OpenSent' || p.state === 'OpenConfirm' || p.state === 'Established')) {
      const n: NotificationMessage = reason ? shutdownNotification(2, reason) : { type: 'NOTIFICATION', code: 6, subcode: 2, data: new Uint8Array(0) };
      this.sendNotification(p, n, out);
    }
    this.sessionDown(p, out, reason ? `administrative shutdown: ${reason}` : 'administrative shutdown');
    return out;
  }

  connectionUp(peerId: string, info: { initiatedLocally: boolean }): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (!p.enabled) {
      out.close.push(p.cfg.id);
      return out;
    }
    if (p.connected) {
      // RFC 4271 §6.8 collision detection needs two transports per peer; this core keeps one.
      throw new SpeakerInputError('collision', `peer "${peerId}" reported a second connection while one is up`, 'the driver must close or refuse the second connection (collision detection is not implemented in the speaker core)');
    }
    p.connected = true;
    p.initiatedLocally = info.initiatedLocally;
    p.connectRetryAt = undefined;
    p.ctx = codecContext({ ibgp: p.cfg.type === 'ibgp' });
    p.framer = new BgpFramer(() => p.ctx);
    this.send(p, this.openMessage(p), out);
    p.holdAt = this.now + OPEN_HOLD_MS;
    this.setState(p, 'OpenSent', out);
    return out;
  }

  connectionDown(peerId: string): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (!p.connected) return out;
    p.connected = false;
    this.sessionDown(p, out, 'connection closed');
    return out;
  }

  receive(peerId: string, bytes: Uint8Array): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (!p.connected || !p.framer) throw new SpeakerInputError('no-connection', `bytes for peer "${peerId}" without a connection`, 'call connectionUp first');
    let frames: Uint8Array[];
    try {
      frames = p.framer.push(bytes);
    } catch (err) {
      if (err instanceof BgpDecodeError) {
        this.fail(p, notificationFor(err), out, err.message);
        return out;
      }
      throw err;
    }
    const touched = new Set<string>();
    for (const frame of frames) {
      if (!p.connected) break;
      let decoded: DecodedMessage;
      try {
        decoded = decodeMessage(frame, p.ctx);
      } catch (err) {
        if (err instanceof BgpDecodeError) {
          this.fail(p, notificationFor(err), out, err.message);
          break;
        }
        throw err;
      }
      this.handle(p, decoded, out, touched);
    }
    this.decide(touched, out);
    this.flushAll(out);
    return out;
  }

  tick(now: number): Output {
    const out = emptyOutput();
    if (now > this.now) this.now = now;
    for (const p of this.peers.values()) {
      if (p.connectRetryAt !== undefined && this.now >= p.connectRetryAt) {
        p.connectRetryAt = undefined;
        if (p.enabled && !p.connected) this.beginConnecting(p, out);
      }
      if (p.holdAt !== undefined && this.now >= p.holdAt && p.connected) {
        this.fail(p, { type: 'NOTIFICATION', code: 4, subcode: 0, data: new Uint8Array(0) }, out, 'hold timer expired');
        continue;
      }
      if (p.keepaliveAt !== undefined && this.now >= p.keepaliveAt && p.connected) {
        this.send(p, { type: 'KEEPALIVE' }, out);
      }
    }
    this.flushAll(out);
    return out;
  }

  originate(prefix: string, attributes: PathAttributes = {}): Output {
    const out = emptyOutput();
    const parsed = parsePrefix(prefix);
    if (!parsed || parseAddress(prefix.slice(0, prefix.indexOf('/')))?.value !== parsed.value) throw new SpeakerInputError('bad-prefix', `"${prefix}" is not a prefix with its host bits zero`, 'write NETWORK/LENGTH, e.g. 203.0.113.0/24');
    const attrs: PathAttributes = { origin: 0, asPath: [], ...attributes };
    this.entry(prefix).candidates.set(LOCAL, { from: LOCAL, attributes: attrs, ebgp: false, routerId: this.config.routerId, peerAddress: '0.0.0.0' });
    this.decide(new Set([prefix]), out);
    this.flushAll(out);
    return out;
  }

  withdrawOriginated(prefix: string): Output {
    const out = emptyOutput();
    const e = this.locRib.get(prefix);
    if (e?.candidates.delete(LOCAL)) {
      this.decide(new Set([prefix]), out);
      this.flushAll(out);
    }
    return out;
  }

  /** Ask the peer to send its Adj-RIB-Out for `family` again (RFC 2918). */
  routeRefresh(peerId: string, family: Family): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (p.state !== 'Established') throw new SpeakerInputError('not-established', `peer "${peerId}" is ${p.state}`, 'route refresh needs an established session');
    if (!p.peerRouteRefresh) throw new SpeakerInputError('no-route-refresh', `peer "${peerId}" did not advertise the route-refresh capability`, 'RFC 2918 §4: a speaker must not send ROUTE-REFRESH to a peer that did not advertise it; reset the session instead');
    if (!p.families.has(family)) throw new SpeakerInputError('family', `${family} is not negotiated with peer "${peerId}"`, `negotiated: ${[...p.families].join(', ') || 'none'}`);
    this.send(p, { type: 'ROUTE_REFRESH', afi: FAMILY_AFI[family], subtype: 0, safi: 1 }, out);
    return out;
  }

  // ------------------------------------------------------------------ views (for tests, show commands, scenarios)

  sessionState(peerId: string): SessionState {
    return this.peer(peerId).state;
  }

  negotiatedFamilies(peerId: string): Family[] {
    return [...this.peer(peerId).families];
  }

  locRibRoutes(): LocRibRoute[] {
    const out: LocRibRoute[] = [];
    for (const [prefix, e] of this.locRib) if (e.best) out.push({ prefix, from: e.best.from, attributes: e.best.attributes, reason: e.reason });
    return out.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  }

  bestRoute(prefix: string): LocRibRoute | undefined {
    const e = this.locRib.get(prefix);
    return e?.best ? { prefix, from: e.best.from, attributes: e.best.attributes, reason: e.reason } : undefined;
  }

  adjRibIn(peerId: string, which: 'pre-policy' | 'post-policy' = 'post-policy'): Map<string, PathAttributes> {
    const p = this.peer(peerId);
    return new Map(which === 'pre-policy' ? p.adjInPre : p.adjIn);
  }

  adjRibOut(peerId: string): Map<string, PathAttributes> {
    return new Map([...this.peer(peerId).adjOut].map(([k, v]) => [k, v.attributes]));
  }

  // ------------------------------------------------------------------ session handling

  private freshPeer(cfg: NormalisedPeer): PeerState {
    return {
      cfg,
      state: 'Idle',
      enabled: false,
      connected: false,
      initiatedLocally: false,
      framer: undefined,
      ctx: codecContext({ ibgp: cfg.type === 'ibgp' }),
      families: new Set(),
      peerRouterId: '0.0.0.0',
      peerRouteRefresh: false,
      holdTime: cfg.holdTime,
      holdAt: undefined,
      keepaliveAt: undefined,
      connectRetryAt: undefined,
      mraiNextAt: 0,
      adjInPre: new Map(),
      adjIn: new Map(),
      adjOut: new Map(),
      pending: new Set(),
      endOfRibDue: false,
    };
  }

  private peer(id: string): PeerState {
    const p = this.peers.get(id);
    if (!p) throw new SpeakerInputError('unknown-peer', `unknown peer "${id}"`, `configured peers: ${[...this.peers.keys()].join(', ') || 'none'}`);
    return p;
  }

  private setState(p: PeerState, to: SessionState, out: Output, reason?: string): void {
    if (p.state === to) return;
    const ev: SpeakerEvent = reason === undefined ? { type: 'session', peer: p.cfg.id, from: p.state, to } : { type: 'session', peer: p.cfg.id, from: p.state, to, reason };
    p.state = to;
    out.events.push(ev);
  }

  private beginConnecting(p: PeerState, out: Output): void {
    if (p.cfg.passive) {
      this.setState(p, 'Active', out);
      return;
    }
    this.setState(p, 'Connect', out);
    out.connect.push(p.cfg.id);
    // If the driver never reports the connection, try again after ConnectRetry (RFC 4271 §8.2.2).
    p.connectRetryAt = this.now + p.cfg.connectRetry * 1000;
  }

  private openMessage(p: PeerState): OpenMessage {
    const asn = this.config.localAsn;
    const capabilities: Capability[] = p.cfg.families.map((f) => ({ code: 1, name: 'multiprotocol', afi: FAMILY_AFI[f], safi: 1 }) as Capability);
    capabilities.push({ code: 2, name: 'route-refresh' });
    if (p.cfg.fourOctetAs) capabilities.push({ code: 65, name: 'four-octet-as', asn });
    return { type: 'OPEN', version: 4, myAs: asn > 0xffff ? AS_TRANS : asn, holdTime: p.cfg.holdTime, bgpIdentifier: this.config.routerId, capabilities };
  }

  private send(p: PeerState, m: BgpMessage, out: Output): void {
    out.send.push({ peer: p.cfg.id, bytes: encodeMessage(m, p.ctx) });
    // RFC 4271 §4.4: any message restarts the KeepaliveTimer's purpose; only send KEEPALIVEs when nothing else went.
    if (p.keepaliveAt !== undefined && p.holdTime > 0) p.keepaliveAt = this.now + (p.holdTime * 1000) / 3;
  }

  private sendNotification(p: PeerState, n: NotificationMessage, out: Output): void {
    this.send(p, n, out);
    const text = n.code === 6 ? shutdownCommunicationOf(n.data) : undefined;
    out.events.push(text === undefined ? { type: 'notification-sent', peer: p.cfg.id, code: n.code, subcode: n.subcode } : { type: 'notification-sent', peer: p.cfg.id, code: n.code, subcode: n.subcode, text });
  }

  /** Send a NOTIFICATION and drop the session (RFC 4271 §6). */
  private fail(p: PeerState, n: NotificationMessage, out: Output, reason: string): void {
    this.sendNotification(p, n, out);
    this.sessionDown(p, out, reason);
  }

  /** Close the transport, withdraw everything learned from the peer, and restart if still enabled. */
  private sessionDown(p: PeerState, out: Output, reason: string): void {
    if (p.connected || p.state === 'Connect') out.close.push(p.cfg.id);
    p.connected = false;
    p.framer = undefined;
    p.holdAt = undefined;
    p.keepaliveAt = undefined;
    p.families = new Set();
    p.adjOut.clear();
    p.pending.clear();
    p.endOfRibDue = false;
    p.adjInPre.clear();
    const touched = new Set<string>();
    for (const prefix of p.adjIn.keys()) {
      this.locRib.get(prefix)?.candidates.delete(p.cfg.id);
      touched.add(prefix);
    }
    p.adjIn.clear();
    this.setState(p, 'Idle', out, reason);
    if (p.enabled) {
      if (p.cfg.passive) this.setState(p, 'Active', out);
      else p.connectRetryAt = this.now + p.cfg.connectRetry * 1000;
    } else {
      p.connectRetryAt = undefined;
    }
    this.decide(touched, out);
    this.flushAll(out);
  }

  private handle(p: PeerState, d: DecodedMessage, out: Output, touched: Set<string>): void {
    const m = d.message;
    if (p.state === 'OpenConfirm' || p.state === 'Established') this.restartHold(p);
    switch (m.type) {
      case 'OPEN':
        if (p.state !== 'OpenSent') return this.fsmError(p, out, 'OPEN');
        return this.onOpen(p, m, out);
      case 'KEEPALIVE':
        if (p.state === 'OpenConfirm') return this.established(p, out);
        if (p.state !== 'Established') return this.fsmError(p, out, 'KEEPALIVE');
        return;
      case 'UPDATE':
        if (p.state !== 'Established') return this.fsmError(p, out, 'UPDATE');
        return this.onUpdate(p, d, out, touched);
      case 'ROUTE_REFRESH': {
        if (p.state !== 'Established') return this.fsmError(p, out, 'ROUTE-REFRESH');
        const family = familyOf(m.afi, m.safi);
        // RFC 2918 §4: a request for a family not negotiated is ignored.
        if (!family || !p.families.has(family) || m.subtype !== 0) return;
        out.events.push({ type: 'route-refresh-received', peer: p.cfg.id, family });
        this.resendFamily(p, family);
        return;
      }
      case 'NOTIFICATION': {
        const text = m.code === 6 ? shutdownCommunicationOf(m.data) : undefined;
        out.events.push(text === undefined ? { type: 'notification-received', peer: p.cfg.id, code: m.code, subcode: m.subcode } : { type: 'notification-received', peer: p.cfg.id, code: m.code, subcode: m.subcode, text });
        this.sessionDown(p, out, `notification received (${m.code}/${m.subcode})`);
        return;
      }
      default: {
        const never: never = m;
        throw new Error(`speaker: unhandled message ${JSON.stringify(never)}`);
      }
    }
  }

  private fsmError(p: PeerState, out: Output, what: string): void {
    this.fail(p, { type: 'NOTIFICATION', code: 5, subcode: FSM_SUBCODE[p.state] ?? 0, data: new Uint8Array(0) }, out, `unexpected ${what} in ${p.state}`);
  }

  private restartHold(p: PeerState): void {
    p.holdAt = p.holdTime > 0 ? this.now + p.holdTime * 1000 : undefined;
  }

  private onOpen(p: PeerState, open: OpenMessage, out: Output): void {
    try {
      // A speaker configured as 2-octet (RFC 6793 "OLD") does not read the four-octet-as capability: it checks My Autonomous System (AS_TRANS for a 4-octet peer).
      checkOpen(open, { ...(p.cfg.fourOctetAs ? { peerAs: p.cfg.remoteAsn } : {}), localBgpIdentifier: this.config.routerId, ibgp: p.cfg.type === 'ibgp', minHoldTime: 3 });
    } catch (err) {
      if (err instanceof BgpDecodeError) return this.fail(p, notificationFor(err), out, err.message);
      throw err;
    }
    if (!p.cfg.fourOctetAs && open.myAs !== p.cfg.remoteAsn) {
      const data = new Uint8Array([open.myAs >> 8, open.myAs & 0xff]);
      return this.fail(p, { type: 'NOTIFICATION', code: 2, subcode: 2, data }, out, `peer says AS ${open.myAs}, configured AS ${p.cfg.remoteAsn}`);
    }
    const caps = open.capabilities;
    const theirFour = caps.some((c) => c.name === 'four-octet-as');
    const mp = caps.filter((c): c is Extract<Capability, { name: 'multiprotocol' }> => c.name === 'multiprotocol').map((c) => familyOf(c.afi, c.safi)).filter((f): f is Family => f !== undefined);
    // RFC 4760 §8: a peer without multiprotocol capabilities speaks IPv4 unicast only.
    const theirs = caps.some((c) => c.name === 'multiprotocol') ? new Set(mp) : new Set<Family>(['ipv4-unicast']);
    p.families = new Set(p.cfg.families.filter((f) => theirs.has(f)));
    p.peerRouterId = open.bgpIdentifier;
    p.peerRouteRefresh = caps.some((c) => c.name === 'route-refresh');
    // RFC 6793 §4: 4-octet AS_PATH only when both sides said so; otherwise the codec sends AS_TRANS and AS4_PATH.
    p.ctx = codecContext({ fourOctetAs: p.cfg.fourOctetAs && theirFour, ibgp: p.cfg.type === 'ibgp' });
    // RFC 4271 §4.2: the smaller of the two hold times; 0 means no keepalives at all.
    p.holdTime = Math.min(p.cfg.holdTime, open.holdTime);
    p.keepaliveAt = p.holdTime > 0 ? this.now : undefined;
    this.send(p, { type: 'KEEPALIVE' }, out);
    this.restartHold(p);
    this.setState(p, 'OpenConfirm', out);
  }

  private established(p: PeerState, out: Output): void {
    this.setState(p, 'Established', out);
    // The initial table dump goes out at once (MRAI applies to later changes), followed by End-of-RIB.
    for (const prefix of this.locRib.keys()) if (p.families.has(familyOfPrefix(prefix))) p.pending.add(prefix);
    p.endOfRibDue = true;
    p.mraiNextAt = this.now;
  }

  private resendFamily(p: PeerState, family: Family): void {
    for (const prefix of [...p.adjOut.keys()]) if (familyOfPrefix(prefix) === family) p.adjOut.delete(prefix);
    for (const prefix of this.locRib.keys()) if (familyOfPrefix(prefix) === family) p.pending.add(prefix);
    p.mraiNextAt = this.now;
  }

  // ------------------------------------------------------------------ routes in

  private onUpdate(p: PeerState, d: DecodedMessage, out: Output, touched: Set<string>): void {
    const u = d.message as UpdateMessage;
    for (const e of d.errors) out.events.push({ type: 'update-error', peer: p.cfg.id, code: e.error.code, message: e.error.message, disposition: e.error.disposition });
    const eor = endOfRibFamily(u);
    if (eor) {
      const family = familyOf(eor.afi, eor.safi);
      out.events.push({ type: 'end-of-rib-received', peer: p.cfg.id, family: family ?? `afi ${eor.afi} safi ${eor.safi}` });
      return;
    }
    const { mpReach, mpUnreach, ...common } = u.attributes;
    const withdraw = (ps: readonly Prefix[], family: Family | undefined) => {
      if (!family || !p.families.has(family)) return;
      for (const x of ps) this.learn(p, x.prefix, undefined, touched);
    };
    withdraw(u.withdrawn, 'ipv4-unicast');
    if (mpUnreach) withdraw(mpUnreach.withdrawn, familyOf(mpUnreach.afi, mpUnreach.safi));
    if (d.otherWithdrawn) withdraw(d.otherWithdrawn.withdrawn, familyOf(d.otherWithdrawn.afi, d.otherWithdrawn.safi));
    if (u.nlri.length > 0 && p.families.has('ipv4-unicast')) {
      const attrs = Object.freeze({ ...common });
      for (const x of u.nlri) this.learn(p, x.prefix, attrs, touched);
    }
    if (mpReach) {
      const family = familyOf(mpReach.afi, mpReach.safi);
      if (family && p.families.has(family)) {
        // The engine and the RIB keep every family's next hop in `nextHop` (see policy/evaluate.ts).
        const attrs = Object.freeze({ ...common, nextHop: mpReach.nextHop });
        for (const x of mpReach.nlri) this.learn(p, x.prefix, attrs, touched);
      }
    }
  }

  /** One prefix from one peer: Adj-RIB-In pre-policy, loop checks, import policy, Loc-RIB candidate. */
  private learn(p: PeerState, prefix: string, received: PathAttributes | undefined, touched: Set<string>): void {
    touched.add(prefix);
    const entry = this.entry(prefix);
    if (received === undefined) {
      p.adjInPre.delete(prefix);
      p.adjIn.delete(prefix);
      entry.candidates.delete(p.cfg.id);
      return;
    }
    p.adjInPre.set(prefix, received);
    const eligible = this.importable(p, received);
    const result = eligible ? applyPolicyChain(p.cfg.import, { prefix, attributes: eligible }, { localAsn: this.config.localAsn, sessionAddress: p.cfg.localAddress }) : undefined;
    if (!result || result.verdict === 'reject') {
      p.adjIn.delete(prefix);
      entry.candidates.delete(p.cfg.id);
      return;
    }
    const attributes = result.route.attributes;
    p.adjIn.set(prefix, attributes);
    entry.candidates.set(p.cfg.id, { from: p.cfg.id, attributes, ebgp: p.cfg.type === 'ebgp', routerId: p.peerRouterId, peerAddress: p.cfg.address });
  }

  /** Loop detection and the attributes a received route starts import policy with; undefined when it must be ignored. */
  private importable(p: PeerState, a: PathAttributes): PathAttributes | undefined {
    if (p.cfg.type === 'ebgp') {
      // RFC 4271 §9.1.2: a route whose AS_PATH contains our AS is not eligible.
      for (const s of a.asPath ?? []) if (s.asns.includes(this.config.localAsn)) return undefined;
      // RFC 4271 §5.1.5: LOCAL_PREF from an external peer is ignored; BIRD and FRR start from 100.
      const { originatorId: _o, clusterList: _c, ...rest } = a;
      return { ...rest, localPref: DEFAULT_LOCAL_PREF };
    }
    // RFC 4456 §8: our own ORIGINATOR_ID or CLUSTER_ID in the route means a reflection loop.
    if (a.originatorId === this.config.routerId) return undefined;
    if (a.clusterList?.includes(this.config.clusterId)) return undefined;
    return a.localPref === undefined ? { ...a, localPref: DEFAULT_LOCAL_PREF } : a;
  }

  private entry(prefix: string): LocRibEntry {
    let e = this.locRib.get(prefix);
    if (!e) this.locRib.set(prefix, (e = { candidates: new Map(), best: undefined, reason: 'only-path' }));
    return e;
  }

  /** Re-run the decision for the touched prefixes; a changed best path is an event and pending work for every peer. */
  private decide(prefixes: Iterable<string>, out: Output): void {
    for (const prefix of prefixes) {
      const e = this.locRib.get(prefix);
      if (!e) continue;
      const result = bestOf(e.candidates.values());
      const before = e.best;
      e.best = result?.best;
      e.reason = result?.reason ?? 'none';
      if (!result) this.locRib.delete(prefix);
      if (before === e.best) continue;
      if (before && e.best && before.from === e.best.from && attributesKey(before.attributes) === attributesKey(e.best.attributes)) continue;
      out.events.push(e.best ? { type: 'best-path', prefix, best: { from: e.best.from, attributes: e.best.attributes }, ...(before ? { previous: before.from } : {}) } : { type: 'best-path', prefix, ...(before ? { previous: before.from } : {}) });
      for (const p of this.peers.values()) if (p.state === 'Established' && p.families.has(familyOfPrefix(prefix))) p.pending.add(prefix);
    }
  }

  // ------------------------------------------------------------------ routes out

  private flushAll(out: Output): void {
    for (const p of this.peers.values()) this.flush(p, out);
  }

  /** Send the pending changes to one peer, packed, once its MRAI allows; then End-of-RIB if owed. */
  private flush(p: PeerState, out: Output): void {
    if (p.state !== 'Established' || this.now < p.mraiNextAt) return;
    if (p.pending.size === 0 && !p.endOfRibDue) return;
    const byFamily = new Map<Family, OutgoingChange[]>();
    for (const prefix of p.pending) {
      const family = familyOfPrefix(prefix);
      if (!p.families.has(family)) continue;
      const next = this.exportFor(p, prefix);
      const prev = p.adjOut.get(prefix);
      if (!next && !prev) continue;
      const key = next ? attributesKey(next) : undefined;
      if (prev && key === prev.key) continue;
      if (next) p.adjOut.set(prefix, { attributes: next, key: key! });
      else p.adjOut.delete(prefix);
      let list = byFamily.get(family);
      if (!list) byFamily.set(family, (list = []));
      list.push(next ? { prefix, attributes: next } : { prefix });
    }
    p.pending.clear();
    let sent = false;
    for (const family of p.cfg.families) {
      const changes = byFamily.get(family);
      if (!changes) continue;
      for (const u of packUpdates(family, changes, p.ctx)) this.send(p, u, out);
      sent = true;
    }
    if (p.endOfRibDue) {
      p.endOfRibDue = false;
      for (const family of p.cfg.families) if (p.families.has(family)) this.send(p, endOfRib(FAMILY_AFI[family], 1), out);
    }
    if (sent && p.cfg.mrai > 0) p.mraiNextAt = this.now + p.cfg.mrai * 1000;
  }

  /** Our address for a family's NEXT_HOP on this session, if we have one. */
  private ownNextHop(p: PeerState, family: Family): string | undefined {
    if (family === 'ipv6-unicast') return p.cfg.localAddress6;
    return p.cfg.localAddress.includes(':') ? undefined : p.cfg.localAddress;
  }

  /** What `p` should have for `prefix` in its Adj-RIB-Out: RFC 4271 §9.2 and RFC 4456 rules, export policy, then the eBGP/iBGP attribute rules. */
  private exportFor(p: PeerState, prefix: string): PathAttributes | undefined {
    const best = this.locRib.get(prefix)?.best;
    if (!best || best.from === p.cfg.id) return undefined;
    const src = best.from === LOCAL ? undefined : this.peers.get(best.from);
    const ibgpToIbgp = src?.cfg.type === 'ibgp' && p.cfg.type === 'ibgp';
    // RFC 4456 §6: iBGP-learned routes go to iBGP peers only by reflection (client involved on either side).
    if (ibgpToIbgp && !src.cfg.routeReflectorClient && !p.cfg.routeReflectorClient) return undefined;
    const communities = best.attributes.communities ?? [];
    // RFC 1997: NO_ADVERTISE goes to no peer, NO_EXPORT to no eBGP peer.
    if (communities.includes(NO_ADVERTISE)) return undefined;
    if (p.cfg.type === 'ebgp' && communities.includes(NO_EXPORT)) return undefined;
    const family = familyOfPrefix(prefix);
    const own = this.ownNextHop(p, family);
    const policy = applyPolicyChain(p.cfg.export, { prefix, attributes: best.attributes }, { localAsn: this.config.localAsn, ...(own ? { sessionAddress: own } : {}) });
    if (policy.verdict === 'reject') return undefined;
    const set = policy.route.attributes;
    const { mpReach: _r, mpUnreach: _u, as4Path: _p, as4Aggregator: _g, ...a } = set;
    const nextHopByPolicy = set.nextHop !== best.attributes.nextHop;
    if (p.cfg.type === 'ebgp') {
      // RFC 4271 §5.1.2: prepend our AS; §5.1.3: our address as next hop; §5.1.5: no LOCAL_PREF;
      // §5.1.4: a MED learned from another AS is not passed on (a MED set by export policy is ours).
      a.asPath = prependAsPath(a.asPath, this.config.localAsn, 1);
      if (!nextHopByPolicy) a.nextHop = own;
      delete a.localPref;
      if (set.med === best.attributes.med && best.from !== LOCAL) delete a.med;
      delete a.originatorId;
      delete a.clusterList;
    } else {
      a.localPref ??= DEFAULT_LOCAL_PREF;
      if (!nextHopByPolicy && (p.cfg.nextHopSelf || best.from === LOCAL || a.nextHop === undefined)) a.nextHop = own;
      if (ibgpToIbgp) {
        a.originatorId = best.attributes.originatorId ?? src.peerRouterId;
        a.clusterList = [this.config.clusterId, ...(best.attributes.clusterList ?? [])];
      }
    }
    if (a.nextHop === undefined) return undefined;
    return Object.freeze(a);
  }
}
