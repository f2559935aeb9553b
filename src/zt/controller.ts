/**
 * The network controller as a pure state machine: `step(state, event, random) → { state,
 * effects }`. It keeps ZeroTier's controller semantics (controller/EmbeddedNetworkController):
 *
 * - a member appears when it first asks for the network's config; on a private network it is
 *   not authorized until an administrator says so (status ACCESS_DENIED until then), on a
 *   public network anyone who asks gets the config;
 * - an authorized member without addresses gets the lowest free IPv4 address of the network's
 *   `ipAssignmentPools` when `v4AssignMode.zt` is on; RFC 4193 / 6PLANE addresses are added
 *   when `v6AssignMode` says so; an IPv4 assignment is pushed only with a managed route that
 *   contains it, and takes that route's prefix length (as ZeroTier does since 1.2);
 * - deauthorizing a member withdraws its config (ACCESS_DENIED on its next request) and every
 *   other member gets a config without it.
 *
 * Where flatlab differs: ZeroTier peers agree on keys themselves (Curve25519 between
 * identities) and prove membership with certificates; here the controller hands each pair of
 * authorized members a fresh random key in their configs and deletes it on deauthorization, so
 * a deauthorized member's frames stop authenticating at its peers at once. Each config also
 * lists the peers' underlay endpoints the controller has seen (ZeroTier learns them via roots).
 */
import { FlatlabError } from '../config/diagnostics.js';
import { rfc4193Address, sixPlaneAddress, memberMac } from './addresses.js';
import type { MemberId, NetworkId } from './ids.js';
import { DEFAULT_RULES, type Rule } from './rules.js';
import { ipv4ToInt, intToIpv4, ipv4PrefixContains } from './ipv4.js';

export interface IpPool {
  ipRangeStart: string;
  ipRangeEnd: string;
}

export interface ManagedRoute {
  target: string;
  via: string | null;
}

export interface NetworkSettings {
  id: NetworkId;
  name: string;
  private: boolean;
  mtu: number;
  ipAssignmentPools: IpPool[];
  routes: ManagedRoute[];
  rules: Rule[];
  v4AssignMode: { zt: boolean };
  v6AssignMode: { zt: boolean; rfc4193: boolean; '6plane': boolean };
}

export interface MemberRecord {
  id: MemberId;
  name: string;
  authorized: boolean;
  /** Was authorized once and is not any more (what `zt members` shows as deauthorized). */
  revoked: boolean;
  ipAssignments: string[];
  tags: Array<[number, number]>;
  /** The member's public key (base64), learnt from its first request. */
  identity?: string;
  /** Underlay endpoints (`ip:port`): as the controller saw the request, then what the member reported. */
  endpoints: string[];
  lastRequest?: number;
}

export interface NetworkRecord {
  settings: NetworkSettings;
  members: Record<string, MemberRecord>;
  revision: number;
  /** Pair keys (hex) by `a~b`, member ids sorted. */
  pairKeys: Record<string, string>;
}

export interface ControllerState {
  networks: Record<string, NetworkRecord>;
}

export type ControllerEvent =
  | { type: 'set-network'; settings: NetworkSettings }
  | { type: 'request'; network: NetworkId; member: MemberId; identity: string; endpoints: string[]; now: number }
  | { type: 'set-member'; network: NetworkId; member: MemberId; patch: MemberPatch };

export interface MemberPatch {
  name?: string;
  authorized?: boolean;
  ipAssignments?: string[];
  tags?: Array<[number, number]>;
}

export interface PeerInfo {
  id: MemberId;
  mac: string;
  /** Pair key, hex (32 bytes). */
  key: string;
  endpoints: string[];
  tags: Array<[number, number]>;
}

/** What a member gets (ZeroTier's network config, with the lab's additions). */
export interface NetworkConfig {
  nwid: NetworkId;
  name: string;
  revision: number;
  issuedTo: MemberId;
  private: boolean;
  mtu: number;
  mac: string;
  assignedAddresses: string[];
  routes: ManagedRoute[];
  rules: Rule[];
  tags: Array<[number, number]>;
  peers: PeerInfo[];
}

export type MemberStatus = 'OK' | 'ACCESS_DENIED' | 'NOT_FOUND';

export type ControllerEffect =
  | { type: 'config'; member: MemberId; config: NetworkConfig }
  | { type: 'denied'; member: MemberId; network: NetworkId; status: Exclude<MemberStatus, 'OK'> };

export interface StepResult {
  state: ControllerState;
  effects: ControllerEffect[];
}

export type RandomBytes = (n: number) => Uint8Array;

export class ControllerError extends FlatlabError {
  constructor(code: 'no-network' | 'bad-assignment', message: string) {
    super(`zt.${code}`, message, { hint: code === 'no-network' ? 'the controller serves the networks of the topology\'s lab.zerotier section' : 'give each member its own IPv4 address inside a managed route' });
  }
}

export const emptyController = (): ControllerState => ({ networks: {} });

export function defaultNetworkSettings(id: NetworkId): NetworkSettings {
  return { id, name: '', private: true, mtu: 2800, ipAssignmentPools: [], routes: [], rules: [...DEFAULT_RULES], v4AssignMode: { zt: true }, v6AssignMode: { zt: false, rfc4193: false, '6plane': false } };
}

const pairId = (a: string, b: string) => (a < b ? `${a}~${b}` : `${b}~${a}`);
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Members a config goes to: authorized ones, or everyone who asked on a public network. */
export function isAdmitted(net: NetworkRecord, m: MemberRecord): boolean {
  return net.settings.private ? m.authorized : !m.revoked || m.authorized;
}

export function step(state: ControllerState, event: ControllerEvent, random: RandomBytes): StepResult {
  const next: ControllerState = structuredClone(state);
  switch (event.type) {
    case 'set-network': {
      const existing = next.networks[event.settings.id];
      const net: NetworkRecord = existing ? { ...existing, settings: structuredClone(event.settings) } : { settings: structuredClone(event.settings), members: {}, revision: 0, pairKeys: {} };
      next.networks[event.settings.id] = net;
      return { state: next, effects: reconcile(net, random, true) };
    }
    case 'request': {
      const net = next.networks[event.network];
      if (!net) return { state: next, effects: [{ type: 'denied', member: event.member, network: event.network, status: 'NOT_FOUND' }] };
      let m = net.members[event.member];
      const isNew = !m;
      if (!m) {
        m = { id: event.member, name: '', authorized: !net.settings.private, revoked: false, ipAssignments: [], tags: [], endpoints: [] };
        net.members[event.member] = m;
      }
      const moved = m.identity !== event.identity || m.endpoints.join(',') !== event.endpoints.join(',');
      m.identity = event.identity;
      m.endpoints = [...event.endpoints];
      m.lastRequest = event.now;
      if (!isAdmitted(net, m)) return { state: next, effects: [{ type: 'denied', member: m.id, network: net.settings.id, status: 'ACCESS_DENIED' }] };
      // A member that moved (new key or endpoints) or arrived changes everyone's peer list.
      const effects = reconcile(net, random, isNew || moved);
      if (!effects.some((e) => e.member === m.id)) effects.push({ type: 'config', member: m.id, config: configFor(net, m) });
      return { state: next, effects };
    }
    case 'set-member': {
      const net = next.networks[event.network];
      if (!net) throw new ControllerError('no-network', `network ${event.network} does not exist on this controller`);
      let m = net.members[event.member];
      if (!m) {
        // ZeroTier lets an administrator pre-authorize a member before it ever joins.
        m = { id: event.member, name: '', authorized: false, revoked: false, ipAssignments: [], tags: [], endpoints: [] };
        net.members[event.member] = m;
      }
      const p = event.patch;
      for (const a of p.ipAssignments ?? []) {
        if (!/^\d+\.\d+\.\d+\.\d+$/.test(a)) throw new ControllerError('bad-assignment', `ipAssignments: "${a}" is not an IPv4 address`);
        const holder = Object.values(net.members).find((o) => o.id !== m!.id && o.ipAssignments.includes(a));
        if (holder) throw new ControllerError('bad-assignment', `ipAssignments: ${a} is already assigned to ${holder.id}`);
      }
      const wasAdmitted = isAdmitted(net, m);
      if (p.name !== undefined) m.name = p.name;
      if (p.ipAssignments !== undefined) m.ipAssignments = [...p.ipAssignments];
      if (p.tags !== undefined) m.tags = p.tags.map(([a, b]) => [a, b]);
      if (p.authorized !== undefined) {
        if (m.authorized && !p.authorized) m.revoked = true;
        if (p.authorized) m.revoked = false;
        m.authorized = p.authorized;
      }
      const effects = reconcile(net, random, true);
      if (wasAdmitted && !isAdmitted(net, m) && m.identity) effects.push({ type: 'denied', member: m.id, network: net.settings.id, status: 'ACCESS_DENIED' });
      return { state: next, effects };
    }
  }
}

/**
 * Bring derived state in line (addresses, pair keys) and, when `push`, bump the revision and
 * send every admitted member that has asked a fresh config.
 */
function reconcile(net: NetworkRecord, random: RandomBytes, push: boolean): ControllerEffect[] {
  const admitted = Object.values(net.members).filter((m) => isAdmitted(net, m));
  // Like ZeroTier, pick a pool address when the member asks for its config, not when it is pre-authorized:
  // an administrator's fixed assignments made meanwhile are never taken.
  for (const m of admitted) if (m.identity && m.ipAssignments.length === 0 && net.settings.v4AssignMode.zt) assignFromPools(net, m);
  const wanted = new Set<string>();
  for (const a of admitted) for (const b of admitted) if (a.id < b.id) wanted.add(pairId(a.id, b.id));
  for (const k of Object.keys(net.pairKeys)) if (!wanted.has(k)) delete net.pairKeys[k];
  for (const k of [...wanted].sort()) if (!net.pairKeys[k]) net.pairKeys[k] = toHex(random(32));
  if (!push) return [];
  net.revision++;
  return admitted.filter((m) => m.identity).sort((a, b) => (a.id < b.id ? -1 : 1)).map((m) => ({ type: 'config' as const, member: m.id, config: configFor(net, m) }));
}

function assignFromPools(net: NetworkRecord, m: MemberRecord): void {
  const used = new Set(Object.values(net.members).flatMap((o) => o.ipAssignments));
  for (const pool of net.settings.ipAssignmentPools) {
    const end = ipv4ToInt(pool.ipRangeEnd);
    for (let a = ipv4ToInt(pool.ipRangeStart); a <= end; a++) {
      const ip = intToIpv4(a);
      if (!used.has(ip)) {
        m.ipAssignments = [ip];
        return;
      }
    }
  }
}

export function configFor(net: NetworkRecord, m: MemberRecord): NetworkConfig {
  const s = net.settings;
  const addresses: string[] = [];
  for (const ip of m.ipAssignments) {
    const route = s.routes.find((r) => r.target.includes('.') && ipv4PrefixContains(r.target, ip));
    if (route) addresses.push(`${ip}/${route.target.split('/')[1]}`);
  }
  if (s.v6AssignMode.rfc4193) addresses.push(rfc4193Address(s.id, m.id));
  if (s.v6AssignMode['6plane']) addresses.push(sixPlaneAddress(s.id, m.id));
  const peers = Object.values(net.members)
    .filter((o) => o.id !== m.id && o.identity && isAdmitted(net, o))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((o) => ({ id: o.id, mac: memberMac(s.id, o.id), key: net.pairKeys[pairId(m.id, o.id)]!, endpoints: [...o.endpoints], tags: o.tags.map(([a, b]): [number, number] => [a, b]) }));
  return { nwid: s.id, name: s.name, revision: net.revision, issuedTo: m.id, private: s.private, mtu: s.mtu, mac: memberMac(s.id, m.id), assignedAddresses: addresses, routes: s.routes.map((r) => ({ ...r })), rules: structuredClone(s.rules), tags: m.tags.map(([a, b]): [number, number] => [a, b]), peers };
}

/** A member's status as `zt members` shows it. */
export function memberState(net: NetworkRecord, m: MemberRecord): 'authorized' | 'unauthorized' | 'deauthorized' {
  if (isAdmitted(net, m)) return 'authorized';
  return m.revoked ? 'deauthorized' : 'unauthorized';
}
