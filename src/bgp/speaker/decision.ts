/**
 * The speaker's best-path choice among the candidates for one prefix: an ordered table of
 * named comparison steps (RFC 4271 §9.1.2.2, RFC 4456 §9), each returning which side wins.
 *
 * This is the speaker's own small copy, kept until the shared RIB/decision module
 * (src/bgp/rib/) publishes its API; it orders exactly the RFC steps the speaker tests need.
 */
import type { PathAttributes } from '../wire/types.js';
import { asPathLength, neighborAs } from '../policy/as-path.js';
import { parseAddress } from '../policy/address.js';

export interface Candidate {
  /** Peer id, or LOCAL for routes this speaker originates. */
  from: string;
  attributes: PathAttributes;
  /** eBGP-learned. */
  ebgp: boolean;
  /** The sender's BGP identifier (ours for local routes). */
  routerId: string;
  peerAddress: string;
}

export const LOCAL = '(local)';

type Step = { name: string; compare: (a: Candidate, b: Candidate) => number };

const addressOrder = (x: string): bigint => parseAddress(x)?.value ?? 0n;

/** Negative when `a` is better. */
export const DECISION_STEPS: readonly Step[] = [
  // FRR gives local routes weight 32768 and BIRD prefers them likewise: an own route beats a learned one.
  { name: 'local-origination', compare: (a, b) => Number(b.from === LOCAL) - Number(a.from === LOCAL) },
  { name: 'local-pref', compare: (a, b) => (b.attributes.localPref ?? 100) - (a.attributes.localPref ?? 100) },
  { name: 'as-path-length', compare: (a, b) => asPathLength(a.attributes.asPath) - asPathLength(b.attributes.asPath) },
  { name: 'origin', compare: (a, b) => (a.attributes.origin ?? 2) - (b.attributes.origin ?? 2) },
  {
    // RFC 4271 §9.1.2.2 c: MED only between routes from the same neighbouring AS; missing MED is 0.
    name: 'med',
    compare: (a, b) => (neighborAs(a.attributes.asPath) === neighborAs(b.attributes.asPath) ? (a.attributes.med ?? 0) - (b.attributes.med ?? 0) : 0),
  },
  { name: 'ebgp-over-ibgp', compare: (a, b) => Number(b.ebgp) - Number(a.ebgp) },
  {
    // RFC 4456 §9: the ORIGINATOR_ID stands in for the router id of a reflected route.
    name: 'router-id',
    compare: (a, b) => {
      const x = addressOrder(a.attributes.originatorId ?? a.routerId);
      const y = addressOrder(b.attributes.originatorId ?? b.routerId);
      return x < y ? -1 : x > y ? 1 : 0;
    },
  },
  { name: 'cluster-list-length', compare: (a, b) => (a.attributes.clusterList?.length ?? 0) - (b.attributes.clusterList?.length ?? 0) },
  {
    name: 'peer-address',
    compare: (a, b) => {
      const x = addressOrder(a.peerAddress);
      const y = addressOrder(b.peerAddress);
      return x < y ? -1 : x > y ? 1 : 0;
    },
  },
];

/** Which step decides between two candidates (index into DECISION_STEPS; the length when only the final tie-break does). */
function decidingStep(a: Candidate, b: Candidate): { winner: Candidate; step: number } {
  for (let i = 0; i < DECISION_STEPS.length; i++) {
    const c = DECISION_STEPS[i]!.compare(a, b);
    if (c !== 0) return { winner: c < 0 ? a : b, step: i };
  }
  return { winner: a.from <= b.from ? a : b, step: DECISION_STEPS.length };
}

export function compareCandidates(a: Candidate, b: Candidate): { winner: Candidate; reason: string } {
  const { winner, step } = decidingStep(a, b);
  return { winner, reason: DECISION_STEPS[step]?.name ?? 'peer-id' };
}

/**
 * The best candidate and why: the step that set it apart from its closest contender (the
 * latest step needed against any other candidate), as "show route" explanations put it.
 */
export function bestOf(candidates: Iterable<Candidate>): { best: Candidate; reason: string } | undefined {
  const all = [...candidates];
  let best = all[0];
  if (!best) return undefined;
  for (const c of all.slice(1)) best = decidingStep(best, c).winner;
  let latest = -1;
  for (const c of all) if (c !== best) latest = Math.max(latest, decidingStep(best, c).step);
  return { best, reason: latest < 0 ? 'only-path' : DECISION_STEPS[latest]?.name ?? 'peer-id' };
}
