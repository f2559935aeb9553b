/**
 * End to end through the wire: three feeder speakers announce and withdraw random routes to
 * speaker A, which passes its best paths on to speaker B, all over encoded UPDATEs. After every
 * step, A's and B's Loc-RIBs must equal what a small reference computes from what the feeders
 * currently originate: RFC 4271 §9.1.2.2 elimination written here from the RFC text, with the
 * MED options (always-compare-med, deterministic-med, missing-as-worst) applied by hand.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Lab } from './harness.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { flatAsPath } from '../../../src/bgp/policy/as-path.js';
import type { PeerConfig, SpeakerConfig } from '../../../src/bgp/speaker/index.js';

const ALL = resolvePolicyChain(['all'], {});
const A_AS = 65010;
const B_AS = 65020;

/** F1 and F3 share a neighbour AS, so MED compares them by default; F2 is another AS. */
const FEEDERS = [
  { name: 'f1', asn: 65001, routerId: '10.255.0.1', address: '10.0.1.1', aAddress: '10.0.1.10' },
  { name: 'f2', asn: 65002, routerId: '10.255.0.2', address: '10.0.2.1', aAddress: '10.0.2.10' },
  { name: 'f3', asn: 65001, routerId: '10.255.0.3', address: '10.0.3.1', aAddress: '10.0.3.10' },
] as const;
const PREFIXES = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/25', '100.64.0.0/16'];
/** Extra ASNs a feeder may put on its path; B's own AS among them makes B drop the route (AS loop). */
const TRANSIT = [64600, 64601, 64602, B_AS];

interface Announcement {
  path: number[];
  origin: 0 | 1 | 2;
  med: number | undefined;
}

type Op = { op: 'announce'; feeder: number; prefix: string; route: Announcement } | { op: 'withdraw'; feeder: number; prefix: string };

interface MedOptions {
  alwaysCompareMed: boolean;
  deterministicMed: boolean;
  medMissingAsWorst: boolean;
}

const peer = (id: string, address: string, remoteAsn: number, localAddress: string, extra: Partial<PeerConfig> = {}): PeerConfig => ({
  id, address, remoteAsn, localAddress, import: ALL, export: ALL, families: ['ipv4-unicast'], ...extra,
});

function build(options: MedOptions): Lab {
  const lab = new Lab();
  const a: SpeakerConfig = {
    localAsn: A_AS,
    routerId: '10.255.0.10',
    ...options,
    peers: [...FEEDERS.map((f) => peer(f.name, f.address, f.asn, f.aAddress)), peer('b', '10.0.9.2', B_AS, '10.0.9.1')],
  };
  // The passive sides start first, so A's first connection attempts find them listening.
  lab.add('b', { localAsn: B_AS, routerId: '10.255.0.20', peers: [peer('a', '10.0.9.1', A_AS, '10.0.9.2', { passive: true })] });
  lab.wire('a', 'b', 'b', 'a');
  for (const f of FEEDERS) {
    lab.add(f.name, { localAsn: f.asn, routerId: f.routerId, peers: [peer('a', f.aAddress, A_AS, f.address, { passive: true })] });
    lab.wire('a', f.name, f.name, 'a');
  }
  lab.add('a', a);
  lab.startAll();
  for (const id of ['b', ...FEEDERS.map((f) => f.name)]) if (lab.speaker('a').sessionState(id) !== 'Established') throw new Error(`a → ${id} not established`);
  return lab;
}

interface Candidate {
  feeder: number;
  route: Announcement;
}

/** RFC 4271 §9.1.2.2 as elimination: a path goes when some remaining path beats it at the step. */
function referenceBest(cands: Candidate[], o: MedOptions): Candidate | undefined {
  const asPathLength = (c: Candidate) => 1 + c.route.path.length;
  const neighbourAs = (c: Candidate) => FEEDERS[c.feeder]!.asn;
  const med = (c: Candidate) => c.route.med ?? (o.medMissingAsWorst ? 2 ** 32 - 1 : 0);
  const routerId = (c: Candidate) => FEEDERS[c.feeder]!.routerId.split('.').reduce((x, y) => x * 256 + Number(y), 0);
  type Better = (x: Candidate, y: Candidate) => boolean; // x beats y at this step
  const lower = (f: (c: Candidate) => number): Better => (x, y) => f(x) < f(y);
  const medStep: Better = (x, y) => (o.alwaysCompareMed || neighbourAs(x) === neighbourAs(y)) && med(x) < med(y);
  // LOCAL_PREF (all 100), eBGP over iBGP (all eBGP), IGP cost (0) and CLUSTER_LIST (empty) tie here.
  const steps: Better[] = [lower(asPathLength), lower((c) => c.route.origin), medStep, lower(routerId)];
  const eliminate = (list: Candidate[], use: Better[]): Candidate | undefined => {
    let left = list;
    for (const beats of use) left = left.filter((x) => !left.some((y) => y !== x && beats(y, x)));
    return left[0];
  };
  if (cands.length === 0) return undefined;
  if (!o.deterministicMed || o.alwaysCompareMed) return eliminate(cands, steps);
  const groups = new Map<number, Candidate[]>();
  for (const c of cands) groups.set(neighbourAs(c), [...(groups.get(neighbourAs(c)) ?? []), c]);
  const winners = [...groups.values()].map((g) => eliminate(g, steps)!);
  return eliminate(winners, steps.filter((s) => s !== medStep));
}

const routeArb: fc.Arbitrary<Announcement> = fc.record({
  path: fc.array(fc.constantFrom(...TRANSIT), { maxLength: 2 }),
  origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
  med: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('announce' as const), feeder: fc.integer({ min: 0, max: 2 }), prefix: fc.constantFrom(...PREFIXES), route: routeArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('withdraw' as const), feeder: fc.integer({ min: 0, max: 2 }), prefix: fc.constantFrom(...PREFIXES) }) },
);
const optionsArb: fc.Arbitrary<MedOptions> = fc.record({ alwaysCompareMed: fc.boolean(), deterministicMed: fc.boolean(), medMissingAsWorst: fc.boolean() });

describe('speaker Loc-RIB against a reference model, end to end over the wire', () => {
  test('random announce/withdraw sequences from three peers: A and B hold the reference best paths', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(opArb, { minLength: 1, maxLength: 30 }), (options, ops) => {
        const lab = build(options);
        const originated = new Map<string, Announcement>(); // `${feeder}|${prefix}`
        for (const o of ops) {
          const f = FEEDERS[o.feeder]!;
          if (o.op === 'announce') {
            originated.set(`${o.feeder}|${o.prefix}`, o.route);
            const attrs = { origin: o.route.origin, asPath: o.route.path.length ? [{ type: 2 as const, asns: o.route.path }] : [], ...(o.route.med === undefined ? {} : { med: o.route.med }) };
            lab.apply(f.name, lab.speaker(f.name).originate(o.prefix, attrs));
          } else {
            originated.delete(`${o.feeder}|${o.prefix}`);
            lab.apply(f.name, lab.speaker(f.name).withdrawOriginated(o.prefix));
          }
          for (const prefix of PREFIXES) {
            const cands = [...originated].filter(([k]) => k.endsWith(`|${prefix}`)).map(([k, route]) => ({ feeder: Number(k.split('|')[0]), route }));
            const want = referenceBest(cands, options);
            const atA = lab.speaker('a').bestRoute(prefix);
            expect(atA?.from, `A's best for ${prefix}`).toBe(want ? FEEDERS[want.feeder]!.name : undefined);
            if (want) {
              expect(flatAsPath(atA?.attributes.asPath)).toEqual([FEEDERS[want.feeder]!.asn, ...want.route.path]);
              expect(atA?.attributes.med).toBe(want.route.med);
              expect(atA?.attributes.localPref).toBe(100);
            }
            // B hears A's best with A prepended, A's address as next hop and no MED (RFC 4271 §5.1.4),
            // unless B's own AS is on the path (AS loop).
            const atB = lab.speaker('b').bestRoute(prefix);
            const reachesB = want !== undefined && !want.route.path.includes(B_AS);
            expect(atB?.from, `B's best for ${prefix}`).toBe(reachesB ? 'a' : undefined);
            if (reachesB) {
              expect(flatAsPath(atB?.attributes.asPath)).toEqual([A_AS, FEEDERS[want.feeder]!.asn, ...want.route.path]);
              expect(atB?.attributes.nextHop).toBe('10.0.9.1');
              expect(atB?.attributes.med).toBeUndefined();
              expect(atB?.attributes.origin).toBe(want.route.origin);
            }
          }
        }
        expect(lab.speaker('b').locRibSize()).toBe(lab.speaker('b').locRibRoutes().length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('MED options through the speaker', () => {
  const announce = (lab: Lab, feeder: string, med: number | undefined) =>
    lab.apply(feeder, lab.speaker(feeder).originate('203.0.113.0/24', { origin: 0, ...(med === undefined ? {} : { med }) }));
  const off: MedOptions = { alwaysCompareMed: false, deterministicMed: false, medMissingAsWorst: false };

  test('MED compares only within one neighbour AS unless always-compare-med', () => {
    // f1 (AS 65001, MED 10) against f2 (AS 65002, MED 5): different neighbour ASes.
    const plain = build(off);
    announce(plain, 'f1', 10);
    announce(plain, 'f2', 5);
    expect(plain.speaker('a').bestRoute('203.0.113.0/24')).toMatchObject({ from: 'f1', reason: 'router-id' });
    const always = build({ ...off, alwaysCompareMed: true });
    announce(always, 'f1', 10);
    announce(always, 'f2', 5);
    expect(always.speaker('a').bestRoute('203.0.113.0/24')).toMatchObject({ from: 'f2', reason: 'med' });
  });

  test('a missing MED is 0 (RFC 4271) or the worst (missing-as-worst)', () => {
    // f1 and f3 share AS 65001; f3 has the higher router id, so only MED can make it win.
    const rfc = build(off);
    announce(rfc, 'f1', undefined);
    announce(rfc, 'f3', 4);
    expect(rfc.speaker('a').bestRoute('203.0.113.0/24')).toMatchObject({ from: 'f1', reason: 'med' });
    const worst = build({ ...off, medMissingAsWorst: true });
    announce(worst, 'f1', undefined);
    announce(worst, 'f3', 4);
    expect(worst.speaker('a').bestRoute('203.0.113.0/24')).toMatchObject({ from: 'f3', reason: 'med' });
  });

  test('deterministic-med: the best of each neighbour AS first, then those without MED', () => {
    // f1 (65001, MED 1), f3 (65001, MED 0), f2 (65002, MED 9): f3 wins AS 65001 on MED, then
    // loses to f2 on router id (10.255.0.3 > 10.255.0.2), as MED no longer applies between ASes.
    // With elimination (RFC 4271) the answer is the same; the option is about how it is reached,
    // and the property test above checks both against the reference for random route sets.
    const det = build({ ...off, deterministicMed: true });
    announce(det, 'f1', 1);
    announce(det, 'f3', 0);
    announce(det, 'f2', 9);
    expect(det.speaker('a').bestRoute('203.0.113.0/24')).toMatchObject({ from: 'f2', reason: 'router-id' });
    // The same routes with always-compare-med: MED 0 wins outright.
    const always = build({ ...off, alwaysCompareMed: true, deterministicMed: true });
    announce(always, 'f1', 1);
    announce(always, 'f3', 0);
    announce(always, 'f2', 9);
    expect(always.speaker('a').bestRoute('203.0.113.0/24')).toMatchObject({ from: 'f3', reason: 'med' });
  });
});
