/**
 * Live reload of bgpd.yml, like BIRD's `configure`: compare the running configuration with the
 * new one and apply only the difference. This file is the pure half: `planReload(old, next)`
 * says what changes; the daemon carries the plan out.
 *
 * What a change costs (the choices BIRD makes for its protocols):
 * - a peer added or removed: that session starts or ends (Cease with an RFC 8203 text);
 * - a session parameter changed (address, AS, port, timers, families, passive, RR client,
 *   next-hop-self, local address, MD5): that session restarts;
 * - a peer's import or export chain changed, or a policy it uses was redefined: soft reset in
 *   that direction (import again over the stored Adj-RIB-In; export the difference), the
 *   session stays up;
 * - `originate:` entries added or removed: announced or withdrawn;
 * - `description:` only: nothing.
 * Keys that define the router or its sockets (asn, router-id, cluster-id, listen, control,
 * kernel-routes, mrt) cannot change in place: the reload is refused as a whole and the
 * running configuration stays, so what runs is always exactly one file's content.
 */
import { peerChain, type BgpdConfig, type BgpdPeerConfig } from './config.js';

export interface ReloadPlan {
  /** Non-empty: the reload is refused and nothing is applied. */
  refused: Array<{ key: string; message: string }>;
  removed: string[];
  added: string[];
  restarted: Array<{ peer: string; changed: string[] }>;
  softReset: Array<{ peer: string; import: boolean; export: boolean }>;
  unchanged: string[];
  originate: string[];
  withdraw: string[];
}

/** Keys of the router itself; a change needs a restart of the daemon. */
const RESTART_KEYS = ['asn', 'router-id', 'cluster-id', 'listen', 'control', 'kernel-routes', 'mrt', 'damping'] as const;
/** Peer keys that do not touch the session. */
const SOFT_PEER_KEYS = new Set(['import', 'export', 'description']);

export const peerId = (p: BgpdPeerConfig): string => p.name ?? p.address;

export function emptyPlan(): ReloadPlan {
  return { refused: [], removed: [], added: [], restarted: [], softReset: [], unchanged: [], originate: [], withdraw: [] };
}

export function planReload(old: BgpdConfig, next: BgpdConfig): ReloadPlan {
  const plan = emptyPlan();
  for (const key of RESTART_KEYS) {
    if (!same(old[key], next[key])) plan.refused.push({ key, message: `${key} changed (${show(old[key])} → ${show(next[key])}); it cannot change while the daemon runs` });
  }
  const before = new Map(old.peers.map((p) => [peerId(p), p]));
  const after = new Map(next.peers.map((p) => [peerId(p), p]));
  for (const id of before.keys()) if (!after.has(id)) plan.removed.push(id);
  for (const [id, p] of after) {
    const q = before.get(id);
    if (!q) {
      plan.added.push(id);
      continue;
    }
    const changed = sessionKeys(p, q).filter((k) => !same(q[k], p[k]));
    if (changed.length > 0) {
      plan.restarted.push({ peer: id, changed });
      continue;
    }
    const importChanged = !sameChain(old, q, next, p, 'import');
    const exportChanged = !sameChain(old, q, next, p, 'export');
    if (importChanged || exportChanged) plan.softReset.push({ peer: id, import: importChanged, export: exportChanged });
    else plan.unchanged.push(id);
  }
  const was = new Set(old.originate);
  const now = new Set(next.originate);
  plan.originate = next.originate.filter((p) => !was.has(p));
  plan.withdraw = old.originate.filter((p) => !now.has(p));
  return plan;
}

/** True when the plan changes nothing at all. */
export function planIsEmpty(plan: ReloadPlan): boolean {
  return plan.refused.length + plan.removed.length + plan.added.length + plan.restarted.length + plan.softReset.length + plan.originate.length + plan.withdraw.length === 0;
}

function sessionKeys(a: BgpdPeerConfig, b: BgpdPeerConfig): Array<keyof BgpdPeerConfig> {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof BgpdPeerConfig>);
  return [...keys].filter((k) => !SOFT_PEER_KEYS.has(k)).sort();
}

/** The chain after RFC 8212 defaults, with each policy's definition: equal means the same routes result. */
function sameChain(oldCfg: BgpdConfig, oldPeer: BgpdPeerConfig, newCfg: BgpdConfig, newPeer: BgpdPeerConfig, direction: 'import' | 'export'): boolean {
  const resolved = (cfg: BgpdConfig, p: BgpdPeerConfig) => peerChain(cfg, p, direction).map((name) => [name, cfg.policies[name] ?? null]);
  return same(resolved(oldCfg, oldPeer), resolved(newCfg, newPeer));
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted, so key order in the file does not count as a change. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x)) ?? 'undefined';
}

function show(v: unknown): string {
  return v === undefined ? 'unset' : JSON.stringify(v);
}
