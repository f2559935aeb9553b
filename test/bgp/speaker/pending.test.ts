// Changes taken without a flush (receiveUpdate { flush: false }, as the sim runtime does per
// instant) and the best-path events option must not change what a speaker sends: compared with a
// speaker that flushes after every UPDATE and reports every event, under random UPDATE sequences.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Lab } from './harness.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { attributesKey, type Output, type PeerConfig, type SpeakerConfig } from '../../../src/bgp/speaker/index.js';
import { codecContext, decodeMessage, isEndOfRib, type PathAttributes, type UpdateMessage } from '../../../src/bgp/wire/index.js';

const ALL = resolvePolicyChain(['all'], {});
const NONE = resolvePolicyChain(['none'], {});
const ASN = { h: 65000, a: 65001, b: 65002, c: 65003 } as const;
const LINK = { a: 1, b: 2, c: 3 } as const;
type Edge = keyof typeof LINK;

const peer = (id: string, remoteAsn: number, address: string, localAddress: string, exported = ALL): PeerConfig => ({ id, address, remoteAsn, localAddress, import: ALL, export: exported, families: ['ipv4-unicast'] });

/**
 * Hub h (AS 65000) with eBGP peers a, b and c. The tests hand h UPDATEs as if from a and b;
 * a, b and c themselves send h nothing, so what h holds from a and b is only what it was handed.
 */
function hubLab(hub: Partial<SpeakerConfig> = {}): Lab {
  const lab = new Lab();
  const edges = Object.keys(LINK) as Edge[];
  lab.add('h', { localAsn: ASN.h, routerId: '10.255.0.10', ...hub, peers: edges.map((e) => peer(e, ASN[e], `10.0.${LINK[e]}.2`, `10.0.${LINK[e]}.1`)) });
  for (const e of edges) {
    lab.add(e, { localAsn: ASN[e], routerId: `10.255.0.${LINK[e]}`, peers: [peer('h', ASN.h, `10.0.${LINK[e]}.1`, `10.0.${LINK[e]}.2`, NONE)] });
    lab.wire('h', e, e, 'h');
  }
  lab.startAll();
  return lab;
}

/** One UPDATE to the hub from a or b: announce with an AS_PATH of `length` ASNs after the sender's, or withdraw. */
interface Step {
  from: 'a' | 'b';
  prefixes: number[];
  /** 0: withdraw. */
  length: number;
  med: number | undefined;
}

const PREFIXES = 12;
const prefixOf = (i: number) => `198.51.100.${i * 16}/28`;

function updateOf(s: Step): UpdateMessage {
  const prefixes = [...new Set(s.prefixes)].map((i) => ({ prefix: prefixOf(i) }));
  if (s.length === 0) return { type: 'UPDATE', withdrawn: prefixes, attributes: {}, nlri: [] };
  const asns = [ASN[s.from], ...Array.from({ length: s.length - 1 }, (_, k) => 64600 + k)];
  const attributes: PathAttributes = { origin: 0, asPath: [{ type: 2 as const, asns }], nextHop: `10.0.${LINK[s.from]}.2`, ...(s.med === undefined ? {} : { med: s.med }) };
  return { type: 'UPDATE', withdrawn: [], attributes, nlri: prefixes };
}

const step: fc.Arbitrary<Step> = fc.record({
  from: fc.constantFrom('a' as const, 'b' as const),
  prefixes: fc.array(fc.integer({ min: 0, max: PREFIXES - 1 }), { minLength: 1, maxLength: 5 }),
  length: fc.integer({ min: 0, max: 3 }),
  med: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
});

/** Announced and withdrawn prefixes per peer in one Output, each occurrence counted. */
function prefixCounts(out: Output): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of out.send) {
    const m = decodeMessage(s.bytes, codecContext()).message;
    if (m.type !== 'UPDATE' || isEndOfRib(m)) continue;
    for (const p of [...m.withdrawn, ...m.nlri]) counts.set(`${s.peer} ${p.prefix}`, (counts.get(`${s.peer} ${p.prefix}`) ?? 0) + 1);
  }
  return counts;
}

/** h's Adj-RIB-Out as canonical text per "peer prefix". */
function sentContents(lab: Lab): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of Object.keys(LINK)) for (const [prefix, a] of lab.speaker('h').adjRibOut(id)) out.set(`${id} ${prefix}`, attributesKey(a));
  return out;
}

const sentTo = (lab: Lab, id: Edge) => [...lab.speaker('h').adjRibOut(id)].sort(([x], [y]) => (x < y ? -1 : 1));
const view = (lab: Lab) => ({ c: lab.speaker('c').locRibRoutes(), toA: sentTo(lab, 'a'), toB: sentTo(lab, 'b'), toC: sentTo(lab, 'c') });

describe('pending changes', () => {
  test('UPDATEs taken without a flush go out once per prefix and peer, and leave the peers where flushing after each would', () => {
    fc.assert(
      fc.property(fc.array(fc.array(step, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rounds) => {
        const eager = hubLab();
        const coalesced = hubLab();
        for (const round of rounds) {
          for (const s of round) eager.apply('h', eager.speaker('h').receiveUpdate(s.from, updateOf(s)));
          const outs = round.map((s) => coalesced.speaker('h').receiveUpdate(s.from, updateOf(s), { flush: false }));
          // Nothing goes out before the flush.
          for (const out of outs) expect(out.send).toEqual([]);
          const before = sentContents(coalesced);
          const flushed = coalesced.speaker('h').flushPending();
          const counts = prefixCounts(flushed);
          for (const [key, n] of counts) expect([key, n]).toEqual([key, 1]);
          // A prefix goes out exactly when what the peer should hold changed in content (not merely in object).
          const after = sentContents(coalesced);
          for (const key of new Set([...before.keys(), ...after.keys()])) expect([key, counts.has(key)]).toEqual([key, before.get(key) !== after.get(key)]);
          coalesced.apply('h', flushed);
          expect(view(coalesced)).toEqual(view(eager));
        }
      }),
      { numRuns: 60 },
    );
  });

  test('without best-path events a speaker sends the same bytes and reports the same other events', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => {
        const withEvents = hubLab();
        const without = hubLab({ bestPathEvents: false });
        let bestPathEvents = 0;
        for (const s of steps) {
          const a = withEvents.speaker('h').receiveUpdate(s.from, updateOf(s));
          const b = without.speaker('h').receiveUpdate(s.from, updateOf(s));
          expect(b.send).toEqual(a.send);
          expect(b.events).toEqual(a.events.filter((e) => e.type !== 'best-path'));
          bestPathEvents += a.events.length - b.events.length;
          withEvents.apply('h', a);
          without.apply('h', b);
        }
        // The first step announces or withdraws; only a withdrawal of nothing changes no best path.
        if (steps[0]!.length > 0) expect(bestPathEvents).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });
});
