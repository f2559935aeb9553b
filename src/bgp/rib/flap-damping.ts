/**
 * Route flap damping (RFC 2439), pure: a figure of merit per (peer, prefix) that flaps raise
 * and time lowers exponentially, on a clock the caller passes in (milliseconds).
 *
 * Behaviour follows FRR's bgpd/bgp_damp.c (itself Cisco's), not the RFC's every option:
 * - a withdrawal adds 1000; an announcement whose attributes differ from the previous one adds
 *   500; a re-advertisement after a withdrawal adds nothing (RFC 2439 §4.8.2 lets it count; FRR
 *   and Cisco do not);
 * - the penalty is capped at the ceiling reuse·2^(max-suppress/half-life), so a route left alone
 *   is never suppressed longer than max-suppress;
 * - a route is suppressed when a flap leaves its penalty at or above `suppress`, and stays
 *   suppressed (announced or withdrawn) until the penalty decays below `reuse` or it has been
 *   suppressed for max-suppress;
 * - an unsuppressed record whose penalty fell to reuse/2 or below is forgotten.
 * FRR decays in 5 s steps and scans for reuse every 10 s; here decay is continuous and reuse
 * happens at the exact moment the penalty crosses `reuse` (the caller asks `nextReuse`).
 * Only eBGP-learned routes are damped, as in FRR and Cisco: that choice is the caller's.
 */
import { FlatlabError } from '../../config/diagnostics.js';

export interface DampingConfig {
  /** Seconds for the penalty to halve (FRR/Cisco default 15 min; FRR takes whole minutes, 1–45). */
  halfLife: number;
  /** A suppressed route is reused once its penalty falls below this (default 750). */
  reuse: number;
  /** A route whose penalty reaches this is suppressed (default 2000). */
  suppress: number;
  /** Longest a route stays suppressed, seconds (default 60 min, FRR: four half-lives). */
  maxSuppress: number;
}

export const DEFAULT_DAMPING: DampingConfig = Object.freeze({ halfLife: 15 * 60, reuse: 750, suppress: 2000, maxSuppress: 60 * 60 });

/** Penalties FRR adds (bgp_damp.h DEFAULT_PENALTY, and half of it for an attribute change). */
export const WITHDRAW_PENALTY = 1000;
export const ATTRIBUTE_CHANGE_PENALTY = 500;

export class DampingConfigError extends FlatlabError {}

/** Every reason the configuration cannot work; empty when it is fine. */
export function dampingConfigProblems(c: DampingConfig): { key: keyof DampingConfig; message: string; hint: string }[] {
  const out: { key: keyof DampingConfig; message: string; hint: string }[] = [];
  if (!(c.halfLife > 0) || !Number.isFinite(c.halfLife)) out.push({ key: 'halfLife', message: `half-life ${c.halfLife} s is not positive`, hint: 'FRR and Cisco take 1 to 45 minutes' });
  if (!(c.reuse >= 1) || !Number.isFinite(c.reuse)) out.push({ key: 'reuse', message: `reuse ${c.reuse} is below 1`, hint: 'FRR and Cisco take 1 to 20000' });
  if (!(c.suppress >= 1) || !Number.isFinite(c.suppress)) out.push({ key: 'suppress', message: `suppress ${c.suppress} is below 1`, hint: 'FRR and Cisco take 1 to 20000' });
  else if (c.suppress < c.reuse) out.push({ key: 'suppress', message: `suppress ${c.suppress} is below reuse ${c.reuse}`, hint: 'a route must be reusable at a lower penalty than the one that suppressed it' });
  if (!(c.maxSuppress > 0) || !Number.isFinite(c.maxSuppress)) out.push({ key: 'maxSuppress', message: `max-suppress ${c.maxSuppress} s is not positive`, hint: 'FRR takes 1 to 255 minutes' });
  else if (c.halfLife > 0 && dampingCeiling(c) < c.suppress) {
    out.push({ key: 'maxSuppress', message: `the ceiling reuse·2^(max-suppress/half-life) = ${Math.floor(dampingCeiling(c))} is below suppress ${c.suppress}, so no route could ever be suppressed`, hint: 'raise max-suppress or reuse, or lower suppress' });
  }
  return out;
}

/** The highest penalty a route can have (RFC 2439 §4.6 "maximum penalty"; FRR's `ceiling`). */
export function dampingCeiling(c: DampingConfig): number {
  return c.reuse * 2 ** (c.maxSuppress / c.halfLife);
}

/** A penalty after `seconds` without flaps. */
export function decayed(penalty: number, seconds: number, halfLife: number): number {
  return seconds <= 0 ? penalty : penalty * 2 ** (-seconds / halfLife);
}

/** Damping state of one (peer, prefix) as shown to users. */
export interface DampingState {
  /** Figure of merit now. */
  penalty: number;
  suppressed: boolean;
  /** Seconds until reuse when suppressed (0 otherwise). */
  reuseIn: number;
  /** Flaps counted (withdrawals and attribute changes). */
  flaps: number;
  /** The route is currently withdrawn (FRR's "history" entry). */
  withdrawn: boolean;
}

interface FlapRecord {
  penalty: number;
  /** When `penalty` was last brought up to date (ms). */
  updatedAt: number;
  suppressedAt: number | undefined;
  flaps: number;
  withdrawn: boolean;
}

export class FlapDamping {
  readonly config: Readonly<DampingConfig>;
  readonly ceiling: number;
  /** peer id → prefix → record. */
  private readonly records = new Map<string, Map<string, FlapRecord>>();
  /** Suppressed records, for `nextReuse` and `reuseDue` without a scan of every record. */
  private readonly suppressed = new Map<FlapRecord, { peer: string; prefix: string }>();

  constructor(config: DampingConfig) {
    const problems = dampingConfigProblems(config);
    if (problems.length > 0) {
      throw new DampingConfigError('bgp.damping.config', `route flap damping: ${problems.map((p) => p.message).join('; ')}`, { hint: problems[0]!.hint });
    }
    this.config = Object.freeze({ ...config });
    this.ceiling = dampingCeiling(config);
  }

  /** The route was withdrawn (or rejected by policy, or its session went down). Returns whether it is suppressed. */
  withdraw(peer: string, prefix: string, now: number): boolean {
    const r = this.record(peer, prefix, now, true);
    this.penalise(r, WITHDRAW_PENALTY, now, peer, prefix);
    r.withdrawn = true;
    return r.suppressedAt !== undefined;
  }

  /**
   * The route was announced: `changed` when it replaces a different announcement of the same
   * route (FRR: +500), false for a first announcement or one after a withdrawal (+0). Returns
   * whether the route is suppressed (so not eligible for best path).
   */
  announce(peer: string, prefix: string, now: number, changed: boolean): boolean {
    const r = this.record(peer, prefix, now, changed);
    if (!r) return false;
    if (changed) this.penalise(r, ATTRIBUTE_CHANGE_PENALTY, now, peer, prefix);
    r.withdrawn = false;
    this.settle(r, now, peer, prefix);
    return this.records.get(peer)?.get(prefix) === r && r.suppressedAt !== undefined;
  }

  isSuppressed(peer: string, prefix: string): boolean {
    const r = this.records.get(peer)?.get(prefix);
    return r?.suppressedAt !== undefined;
  }

  /** The state now, or undefined when the route has no damping record. */
  state(peer: string, prefix: string, now: number): DampingState | undefined {
    const r = this.records.get(peer)?.get(prefix);
    if (!r) return undefined;
    const penalty = decayed(r.penalty, (now - r.updatedAt) / 1000, this.config.halfLife);
    // A quiet record is as good as forgotten (FRR frees it at its next look).
    if (r.suppressedAt === undefined && penalty <= this.config.reuse / 2) return undefined;
    const at = r.suppressedAt !== undefined ? this.reuseAt(r) : now;
    return { penalty, suppressed: r.suppressedAt !== undefined, reuseIn: Math.max(0, (at - now) / 1000), flaps: r.flaps, withdrawn: r.withdrawn };
  }

  /** When the next suppressed route becomes usable (ms), or undefined when none is suppressed. */
  nextReuse(): number | undefined {
    let next: number | undefined;
    for (const r of this.suppressed.keys()) {
      const at = this.reuseAt(r);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /** Unsuppress every route whose time has come; returns them (announced ones must re-enter the decision). */
  reuseDue(now: number): { peer: string; prefix: string; withdrawn: boolean }[] {
    const out: { peer: string; prefix: string; withdrawn: boolean }[] = [];
    for (const [r, key] of [...this.suppressed]) {
      if (this.reuseAt(r) > now) continue;
      this.refresh(r, now);
      this.unsuppress(r, now);
      out.push({ peer: key.peer, prefix: key.prefix, withdrawn: r.withdrawn });
      this.forgetIfQuiet(r, key.peer, key.prefix);
    }
    return out;
  }

  /** Drop one record (FRR frees a path's damping info with the path). */
  forget(peer: string, prefix: string): void {
    const m = this.records.get(peer);
    const r = m?.get(prefix);
    if (!m || !r) return;
    this.suppressed.delete(r);
    m.delete(prefix);
    if (m.size === 0) this.records.delete(peer);
  }

  /** Drop every record of a peer (FRR `clear bgp dampening`; also when a peer is deconfigured). */
  clearPeer(peer: string): void {
    const m = this.records.get(peer);
    if (!m) return;
    for (const r of m.values()) this.suppressed.delete(r);
    this.records.delete(peer);
  }

  /** Number of (peer, prefix) records held. */
  get size(): number {
    let n = 0;
    for (const m of this.records.values()) n += m.size;
    return n;
  }

  // ------------------------------------------------------------------ internals

  /** The record, decayed to `now`; created when `create` (a flap starts one; a plain announcement does not). */
  private record(peer: string, prefix: string, now: number, create: true): FlapRecord;
  private record(peer: string, prefix: string, now: number, create: boolean): FlapRecord | undefined;
  private record(peer: string, prefix: string, now: number, create: boolean): FlapRecord | undefined {
    let m = this.records.get(peer);
    let r = m?.get(prefix);
    if (r) {
      this.refresh(r, now);
      this.forgetIfQuiet(r, peer, prefix);
      if (m!.get(prefix) === r) return r;
      m = this.records.get(peer);
    }
    if (!create) return undefined;
    if (!m) {
      m = new Map();
      this.records.set(peer, m);
    }
    r = { penalty: 0, updatedAt: now, suppressedAt: undefined, flaps: 0, withdrawn: false };
    m.set(prefix, r);
    return r;
  }

  private refresh(r: FlapRecord, now: number): void {
    if (now > r.updatedAt) {
      r.penalty = decayed(r.penalty, (now - r.updatedAt) / 1000, this.config.halfLife);
      r.updatedAt = now;
    }
  }

  private penalise(r: FlapRecord, amount: number, now: number, peer: string, prefix: string): void {
    r.penalty = Math.min(r.penalty + amount, this.ceiling);
    r.flaps++;
    if (r.suppressedAt === undefined && r.penalty >= this.config.suppress) {
      r.suppressedAt = now;
      this.suppressed.set(r, { peer, prefix });
    }
  }

  /** After an announcement: reuse when due, forget when quiet. */
  private settle(r: FlapRecord, now: number, peer: string, prefix: string): void {
    if (r.suppressedAt !== undefined && this.reuseAt(r) <= now) this.unsuppress(r, now);
    this.forgetIfQuiet(r, peer, prefix);
  }

  private unsuppress(r: FlapRecord, now: number): void {
    // FRR (bgp_damp_scan): at max-suppress the penalty is set to the reuse limit.
    if (r.suppressedAt !== undefined && now - r.suppressedAt >= this.config.maxSuppress * 1000) r.penalty = Math.min(r.penalty, this.config.reuse);
    r.suppressedAt = undefined;
    this.suppressed.delete(r);
  }

  private forgetIfQuiet(r: FlapRecord, peer: string, prefix: string): void {
    if (r.suppressedAt !== undefined || r.penalty > this.config.reuse / 2) return;
    const m = this.records.get(peer);
    if (m?.get(prefix) !== r) return;
    m.delete(prefix);
    if (m.size === 0) this.records.delete(peer);
  }

  /**
   * When a suppressed record becomes usable (ms): the penalty falls below `reuse`, or
   * max-suppress runs out, whichever is first. One millisecond past the crossing so the
   * penalty is strictly below reuse then (FRR: `penalty < reuse_limit`).
   */
  private reuseAt(r: FlapRecord): number {
    const suppressedAt = r.suppressedAt ?? r.updatedAt;
    const limit = suppressedAt + this.config.maxSuppress * 1000;
    if (r.penalty < this.config.reuse) return r.updatedAt;
    const decay = Math.ceil(this.config.halfLife * Math.log2(r.penalty / this.config.reuse) * 1000) + 1;
    return Math.min(r.updatedAt + decay, limit);
  }
}
