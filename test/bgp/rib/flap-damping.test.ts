/**
 * Route flap damping (RFC 2439, FRR's penalties): examples worked by hand, properties over
 * random flap histories, and a model-based test against a plain recomputation from the
 * history of flaps.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  ATTRIBUTE_CHANGE_PENALTY,
  DEFAULT_DAMPING,
  FlapDamping,
  WITHDRAW_PENALTY,
  dampingCeiling,
  dampingConfigProblems,
  decayed,
  type DampingConfig,
} from '../../../src/bgp/rib/flap-damping.js';

const S = 1000;
const P = '203.0.113.0/24';

describe('examples', () => {
  test('defaults are FRR\'s and Cisco\'s: 15 min, 750, 2000, 60 min; ceiling 750·2^4 = 12000', () => {
    expect(DEFAULT_DAMPING).toEqual({ halfLife: 900, reuse: 750, suppress: 2000, maxSuppress: 3600 });
    expect(dampingCeiling(DEFAULT_DAMPING)).toBe(12000);
    expect(WITHDRAW_PENALTY).toBe(1000);
    expect(ATTRIBUTE_CHANGE_PENALTY).toBe(500);
  });

  test('a penalty halves every half-life', () => {
    expect(decayed(1000, 900, 900)).toBeCloseTo(500);
    expect(decayed(1000, 1800, 900)).toBeCloseTo(250);
    expect(decayed(1000, 0, 900)).toBe(1000);
  });

  test('two withdrawals at once suppress (2000 ≥ suppress); reuse when the penalty falls below 750', () => {
    const d = new FlapDamping(DEFAULT_DAMPING);
    expect(d.withdraw('e1', P, 0)).toBe(false);
    expect(d.announce('e1', P, 0, false)).toBe(false);
    expect(d.withdraw('e1', P, 0)).toBe(true);
    // Re-advertised while suppressed: kept out of the decision.
    expect(d.announce('e1', P, 1 * S, false)).toBe(true);
    const s = d.state('e1', P, 1 * S)!;
    expect(s.suppressed).toBe(true);
    expect(s.flaps).toBe(2);
    // 2000 → 750 takes 900·log2(2000/750) ≈ 1273.6 s.
    const reuseAt = d.nextReuse()!;
    expect(reuseAt / S).toBeCloseTo(900 * Math.log2(2000 / 750), 1);
    expect(s.reuseIn).toBeCloseTo(reuseAt / S - 1, 1);
    expect(d.reuseDue(reuseAt - 2)).toEqual([]);
    expect(d.reuseDue(reuseAt)).toEqual([{ peer: 'e1', prefix: P, withdrawn: false }]);
    expect(d.isSuppressed('e1', P)).toBe(false);
    expect(d.nextReuse()).toBeUndefined();
  });

  test('a re-advertisement adds nothing; an attribute change adds 500 (FRR)', () => {
    const d = new FlapDamping(DEFAULT_DAMPING);
    d.announce('e1', P, 0, false);
    expect(d.state('e1', P, 0)).toBeUndefined();
    d.withdraw('e1', P, 0);
    d.announce('e1', P, 0, false);
    expect(d.state('e1', P, 0)!.penalty).toBe(1000);
    d.announce('e1', P, 0, true);
    expect(d.state('e1', P, 0)!.penalty).toBe(1500);
  });

  test('records are per (peer, prefix)', () => {
    const d = new FlapDamping(DEFAULT_DAMPING);
    d.withdraw('e1', P, 0);
    d.withdraw('e1', P, 0);
    expect(d.isSuppressed('e1', P)).toBe(true);
    expect(d.isSuppressed('e2', P)).toBe(false);
    expect(d.isSuppressed('e1', '198.51.100.0/24')).toBe(false);
    d.clearPeer('e1');
    expect(d.size).toBe(0);
    expect(d.nextReuse()).toBeUndefined();
  });

  test('the lab settings: half-life 1 min, reuse 1500, suppress 2000; three flaps 10 s apart suppress, reuse under a minute after', () => {
    const lab: DampingConfig = { halfLife: 60, reuse: 1500, suppress: 2000, maxSuppress: 240 };
    const d = new FlapDamping(lab);
    for (const t of [0, 10]) {
      d.withdraw('e1', P, t * S);
      d.announce('e1', P, (t + 5) * S, false);
    }
    // Two flaps are not enough: 1000·2^(-1/6) + 1000 ≈ 1891.
    expect(d.isSuppressed('e1', P)).toBe(false);
    d.withdraw('e1', P, 20 * S);
    expect(d.isSuppressed('e1', P)).toBe(true);
    const reuseIn = (d.nextReuse()! - 20 * S) / S;
    // 2685 → 1500 takes 60·log2(2685/1500) ≈ 50 s.
    expect(reuseIn).toBeCloseTo(60 * Math.log2((1000 * (1 + 2 ** (-1 / 6) + 2 ** (-2 / 6))) / 1500), 1);
  });

  test('max-suppress frees a route whatever its penalty, and the penalty is then the reuse limit', () => {
    // Ceiling 750·2^(2) = 3000 with max-suppress = 2 half-lives.
    const c: DampingConfig = { halfLife: 60, reuse: 750, suppress: 2000, maxSuppress: 120 };
    const d = new FlapDamping(c);
    let t = 0;
    for (let i = 0; i < 10; i++, t += 1) d.withdraw('e1', P, t * S);
    expect(d.state('e1', P, t * S)!.penalty).toBeLessThanOrEqual(3000);
    const at = d.nextReuse()!;
    expect(at).toBeLessThanOrEqual(120 * S + 2 * S);
    expect(d.reuseDue(at)).toHaveLength(1);
  });

  test('bad configurations are refused with the reason', () => {
    expect(dampingConfigProblems({ ...DEFAULT_DAMPING, suppress: 500 })[0]!.message).toMatch(/below reuse/);
    expect(dampingConfigProblems({ ...DEFAULT_DAMPING, halfLife: 0 })[0]!.key).toBe('halfLife');
    expect(dampingConfigProblems({ halfLife: 900, reuse: 100, suppress: 2000, maxSuppress: 60 })[0]!.message).toMatch(/ceiling/);
    expect(() => new FlapDamping({ ...DEFAULT_DAMPING, reuse: 0 })).toThrow(/reuse/);
    expect(dampingConfigProblems(DEFAULT_DAMPING)).toEqual([]);
  });
});

// ---------------------------------------------------------------- properties

const configArb: fc.Arbitrary<DampingConfig> = fc
  .record({
    halfLife: fc.integer({ min: 1, max: 45 }).map((m) => m * 60),
    reuse: fc.integer({ min: 1, max: 3000 }),
    extra: fc.integer({ min: 0, max: 4000 }),
    halfLives: fc.integer({ min: 1, max: 6 }),
  })
  .map(({ halfLife, reuse, extra, halfLives }) => ({ halfLife, reuse, suppress: reuse + extra, maxSuppress: halfLife * halfLives }))
  .filter((c) => dampingConfigProblems(c).length === 0);

type Op =
  | { type: 'wait'; ms: number }
  | { type: 'withdraw'; peer: string; prefix: string }
  | { type: 'announce'; peer: string; prefix: string; changed: boolean };

const KEYS = [['e1', P], ['e1', '198.51.100.0/24'], ['e2', P]] as const;
const keyArb = fc.constantFrom(...KEYS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 1, max: 3_600_000 }).map((ms): Op => ({ type: 'wait', ms })),
  fc.integer({ min: 1, max: 60_000 }).map((ms): Op => ({ type: 'wait', ms })),
  keyArb.map(([peer, prefix]): Op => ({ type: 'withdraw', peer, prefix })),
  fc.tuple(keyArb, fc.boolean()).map(([[peer, prefix], changed]): Op => ({ type: 'announce', peer, prefix, changed })),
);

/** Runs ops as a driver would: reuse is processed at every instant the damping asks for. */
function run(config: DampingConfig, ops: Op[], check: (d: FlapDamping, now: number, reused: ReturnType<FlapDamping['reuseDue']>) => void): void {
  const d = new FlapDamping(config);
  let now = 0;
  for (const op of ops) {
    if (op.type === 'wait') {
      const until = now + op.ms;
      for (let guard = 0; guard < 100; guard++) {
        const next = d.nextReuse();
        if (next === undefined || next > until) break;
        now = Math.max(now, next);
        check(d, now, d.reuseDue(now));
      }
      now = until;
    } else if (op.type === 'withdraw') d.withdraw(op.peer, op.prefix, now);
    else d.announce(op.peer, op.prefix, now, op.changed);
    check(d, now, d.reuseDue(now));
  }
}

describe('properties', () => {
  test('the penalty is never negative and never above the ceiling', () => {
    fc.assert(fc.property(configArb, fc.array(opArb, { maxLength: 60 }), (config, ops) => {
      const ceiling = dampingCeiling(config);
      run(config, ops, (d, now) => {
        for (const [peer, prefix] of KEYS) {
          const s = d.state(peer, prefix, now);
          if (!s) continue;
          expect(s.penalty).toBeGreaterThanOrEqual(0);
          expect(s.penalty).toBeLessThanOrEqual(ceiling + 1e-6);
        }
      });
    }));
  });

  test('without flaps the penalty only decays', () => {
    fc.assert(fc.property(configArb, fc.array(opArb, { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 7_200_000 }), { minLength: 2, maxLength: 10 }), (config, ops, offsets) => {
      const d = new FlapDamping(config);
      let now = 0;
      for (const op of ops) {
        if (op.type === 'wait') now += op.ms;
        else if (op.type === 'withdraw') d.withdraw(op.peer, op.prefix, now);
        else d.announce(op.peer, op.prefix, now, op.changed);
      }
      const times = offsets.map((o) => now + o).sort((a, b) => a - b);
      for (const [peer, prefix] of KEYS) {
        const seen = times.map((t) => d.state(peer, prefix, t)?.penalty ?? 0);
        for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeLessThanOrEqual(seen[i - 1]! + 1e-9);
      }
    }));
  });

  test('suppressed only at or above suppress, reused only below reuse or at max-suppress, never suppressed longer than max-suppress', () => {
    fc.assert(fc.property(configArb, fc.array(opArb, { maxLength: 60 }), (config, ops) => {
      const since = new Map<string, number>();
      run(config, ops, (d, now, reused) => {
        for (const r of reused) {
          const key = `${r.peer} ${r.prefix}`;
          const start = since.get(key);
          expect(start).toBeDefined();
          const s = d.state(r.peer, r.prefix, now);
          const atMax = now - start! >= config.maxSuppress * 1000;
          if (!atMax) expect(s?.penalty ?? 0).toBeLessThan(config.reuse);
          since.delete(key);
        }
        for (const [peer, prefix] of KEYS) {
          const key = `${peer} ${prefix}`;
          const s = d.state(peer, prefix, now);
          if (s?.suppressed) {
            if (!since.has(key)) {
              // It has just become suppressed: by a flap that took it to suppress or more.
              expect(s.penalty).toBeGreaterThanOrEqual(config.suppress - 1e-6);
              since.set(key, now);
            }
            expect(now - since.get(key)!).toBeLessThanOrEqual(config.maxSuppress * 1000);
            expect(s.penalty).toBeGreaterThanOrEqual(config.reuse - 1e-6);
          } else {
            expect(since.has(key)).toBe(false);
            // Below suppress, or reused at max-suppress: then the ceiling has let it decay to reuse
            // at most, which equals suppress when the two are configured alike.
            if (s && s.penalty >= config.suppress) expect(s.penalty).toBeLessThanOrEqual(config.reuse + 1e-6);
          }
        }
      });
    }));
  });
});

// ---------------------------------------------------------------- model

/**
 * Reference: for each key, the list of flaps (time, amount) since the record was created;
 * the penalty is recomputed from the list each time, the cap applied flap by flap.
 */
class Model {
  private readonly flaps = new Map<string, { at: number; amount: number }[]>();
  private readonly suppressedAt = new Map<string, number>();

  constructor(private readonly c: DampingConfig) {}

  penalty(key: string, now: number): number {
    let p = 0;
    let t = 0;
    for (const f of this.flaps.get(key) ?? []) {
      p = Math.min(p * 2 ** (-(f.at - t) / 1000 / this.c.halfLife) + f.amount, dampingCeiling(this.c));
      t = f.at;
    }
    return p * 2 ** (-(now - t) / 1000 / this.c.halfLife);
  }

  /** A record unsuppressed and at reuse/2 or below is gone (FRR frees it). */
  forgetQuiet(key: string, now: number): void {
    if (!this.suppressedAt.has(key) && this.flaps.has(key) && this.penalty(key, now) <= this.c.reuse / 2) this.flaps.delete(key);
  }

  flap(key: string, now: number, amount: number): void {
    this.forgetQuiet(key, now);
    const list = this.flaps.get(key) ?? [];
    list.push({ at: now, amount });
    this.flaps.set(key, list);
    if (!this.suppressedAt.has(key) && this.penalty(key, now) >= this.c.suppress) this.suppressedAt.set(key, now);
  }

  suppressed(key: string): boolean {
    return this.suppressedAt.has(key);
  }

  /** Reuse check at `now`. */
  settle(key: string, now: number): void {
    const since = this.suppressedAt.get(key);
    if (since === undefined) {
      if (this.flaps.has(key) && this.penalty(key, now) <= this.c.reuse / 2) this.flaps.delete(key);
      return;
    }
    if (now - since >= this.c.maxSuppress * 1000) {
      this.suppressedAt.delete(key);
      this.flaps.set(key, [{ at: now, amount: Math.min(this.penalty(key, now), this.c.reuse) }]);
    } else if (this.penalty(key, now) < this.c.reuse) this.suppressedAt.delete(key);
    // Reused and already quiet: forgotten at once (FRR's reuse timer frees it).
    if (!this.suppressedAt.has(key) && this.penalty(key, now) <= this.c.reuse / 2) this.flaps.delete(key);
  }
}

describe('model', () => {
  test('penalties and suppression equal a recomputation from the flap history', () => {
    // Whole seconds, far from the crossing instants, so both sides agree on which side of a threshold they are.
    const secondsOp = fc.oneof(
      fc.integer({ min: 1, max: 600 }).map((s): Op => ({ type: 'wait', ms: s * 1000 })),
      keyArb.map(([peer, prefix]): Op => ({ type: 'withdraw', peer, prefix })),
      fc.tuple(keyArb, fc.boolean()).map(([[peer, prefix], changed]): Op => ({ type: 'announce', peer, prefix, changed })),
    );
    fc.assert(fc.property(configArb, fc.array(secondsOp, { maxLength: 40 }), (config, ops) => {
      const d = new FlapDamping(config);
      const m = new Model(config);
      let now = 0;
      for (const op of ops) {
        if (op.type === 'wait') {
          now += op.ms;
          d.reuseDue(now);
          for (const [peer, prefix] of KEYS) m.settle(`${peer} ${prefix}`, now);
        } else {
          const key = `${op.peer} ${op.prefix}`;
          if (op.type === 'withdraw') {
            d.withdraw(op.peer, op.prefix, now);
            m.flap(key, now, WITHDRAW_PENALTY);
          } else {
            d.announce(op.peer, op.prefix, now, op.changed);
            if (op.changed) m.flap(key, now, ATTRIBUTE_CHANGE_PENALTY);
            m.settle(key, now);
          }
        }
        for (const [peer, prefix] of KEYS) {
          const key = `${peer} ${prefix}`;
          m.forgetQuiet(key, now);
          const expected = m.penalty(key, now);
          // Skip instants within a hair of a threshold, where float order of operations decides.
          const near = [config.reuse, config.suppress, config.reuse / 2].some((x) => Math.abs(expected - x) < 1e-3);
          fc.pre(!near);
          expect(d.state(peer, prefix, now)?.penalty ?? 0).toBeCloseTo(expected, 3);
          expect(d.isSuppressed(peer, prefix)).toBe(m.suppressed(key));
        }
      }
    }));
  });
});
