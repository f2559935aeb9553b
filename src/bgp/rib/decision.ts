/**
 * The decision process (RFC 4271 §9.1.2.2, RFC 4456 §9) as an ordered table of named steps
 * (style.md shape 8, GoBGP's table). Each step compares two paths alone; `selectBest` runs
 * them as the RFC's elimination: at each step every path that some remaining path beats is
 * removed. That makes the result a function of the set of paths, never of arrival order, even
 * for MED, which only compares paths from the same neighbour AS and so is not a total order.
 */
import type { DecisionContext, DecisionOptions, DecisionReason, DecisionStep, PathRecord } from './types.js';

export const DEFAULT_DECISION_OPTIONS: DecisionOptions = Object.freeze({
  defaultLocalPref: 100,
  alwaysCompareMed: false,
  medMissingAsWorst: false,
  deterministicMed: false,
});

const MED_WORST = 0xffffffff;

/** For steps that order paths by a key of each (DecisionStep.total). */
const always = (): boolean => true;

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** RFC 4271 §9.1.2.2 neighborAS: the first AS of the path; for iBGP routes without one, our AS. */
export function neighborAs(p: PathRecord, ctx: DecisionContext): number {
  return p.facts.firstAs ?? (p.peer.ibgp ? ctx.localAs : p.peer.asn);
}

export function localPrefOf(p: PathRecord, ctx: DecisionContext): number {
  return p.facts.localPref ?? ctx.options.defaultLocalPref;
}

export function medOf(p: PathRecord, ctx: DecisionContext): number {
  return p.facts.med ?? (ctx.options.medMissingAsWorst ? MED_WORST : 0);
}

/**
 * Our own routes first: FRR gives them weight 32768 and BIRD's static/direct routes have a
 * higher preference than BGP's, so in both a locally originated prefix beats a learned one
 * whatever its LOCAL_PREF. Matching that keeps the sim's answers equal to the daemons'.
 */
export const localOriginationStep: DecisionStep = {
  name: 'local-origination',
  compare: (a, b) => cmp(a.peer.local ? 0 : 1, b.peer.local ? 0 : 1),
  total: always,
};

export const localPrefStep: DecisionStep = {
  name: 'local-pref',
  compare: (a, b, ctx) => cmp(localPrefOf(b, ctx), localPrefOf(a, ctx)),
  total: always,
};

export const asPathLengthStep: DecisionStep = {
  name: 'as-path-length',
  compare: (a, b) => cmp(a.facts.asPathLength, b.facts.asPathLength),
  total: always,
};

export const originStep: DecisionStep = {
  name: 'origin',
  compare: (a, b) => cmp(a.facts.origin, b.facts.origin),
  total: always,
};

export const medStep: DecisionStep = {
  name: 'med',
  compare: (a, b, ctx) => {
    if (!ctx.options.alwaysCompareMed && neighborAs(a, ctx) !== neighborAs(b, ctx)) return 0;
    return cmp(medOf(a, ctx), medOf(b, ctx));
  },
  // Across neighbour ASes only with always-compare-med; otherwise pairwise.
  total: (ctx) => ctx.options.alwaysCompareMed,
};

export const ebgpOverIbgpStep: DecisionStep = {
  name: 'ebgp-over-ibgp',
  compare: (a, b) => cmp(a.peer.ibgp ? 1 : 0, b.peer.ibgp ? 1 : 0),
  total: always,
};

export const igpCostStep: DecisionStep = {
  name: 'igp-cost',
  compare: (a, b, ctx) => cmp(ctx.igpCost(a.facts.nextHop), ctx.igpCost(b.facts.nextHop)),
  total: always,
};

/** RFC 4456 §9: ORIGINATOR_ID stands in for the BGP identifier of the advertising speaker. */
export const routerIdStep: DecisionStep = {
  name: 'router-id',
  compare: (a, b) => cmp(a.facts.originatorId ?? a.peer.routerIdNumber, b.facts.originatorId ?? b.peer.routerIdNumber),
  total: always,
};

/** RFC 4456 §9: prefer the shorter CLUSTER_LIST. */
export const clusterListLengthStep: DecisionStep = {
  name: 'cluster-list-length',
  compare: (a, b) => cmp(a.facts.clusterListLength, b.facts.clusterListLength),
  total: always,
};

export const peerAddressStep: DecisionStep = {
  name: 'peer-address',
  compare: (a, b) => (a.peer.addressKey < b.peer.addressKey ? -1 : a.peer.addressKey > b.peer.addressKey ? 1 : 0),
  total: always,
};

/** Last resort so the order is total: several ADD-PATH paths from one peer, or two peers sharing an address. */
export const pathIdStep: DecisionStep = {
  name: 'path-id',
  compare: (a, b) => cmp(a.pathId, b.pathId) || (a.peer.id < b.peer.id ? -1 : a.peer.id > b.peer.id ? 1 : 0),
  total: always,
};

export const DECISION_STEPS: readonly DecisionStep[] = Object.freeze([
  localOriginationStep,
  localPrefStep,
  asPathLengthStep,
  originStep,
  medStep,
  ebgpOverIbgpStep,
  igpCostStep,
  routerIdStep,
  clusterListLengthStep,
  peerAddressStep,
  pathIdStep,
]);

const STEPS_WITHOUT_MED = DECISION_STEPS.filter((s) => s !== medStep);

export interface Selection {
  best: PathRecord | undefined;
  reason: DecisionReason;
}

const NONE: Selection = Object.freeze({ best: undefined, reason: 'only-path' });

/** Bit of candidate `i` in a mask of remaining candidates. */
const bit = (i: number): number => 1 << i;

/**
 * Run `steps` as an elimination over `candidates` (non-empty): at each step, remove every
 * remaining path that some remaining path beats; `reason` is the last step that removed one.
 * The remaining candidates are a bit mask (up to 32 of them; a prefix has a path per peer), so a
 * step allocates nothing, and a total step (DecisionStep.total) costs two passes instead of a
 * comparison of every pair.
 */
export function eliminate(candidates: readonly PathRecord[], steps: readonly DecisionStep[], ctx: DecisionContext): Selection {
  const n = candidates.length;
  if (n === 1) return { best: candidates[0], reason: 'only-path' };
  if (n === 2) {
    // Two paths: elimination is "first step that tells them apart".
    const a = candidates[0]!;
    const b = candidates[1]!;
    for (let k = 0; k < steps.length; k++) {
      const s = steps[k]!;
      const c = s.compare(a, b, ctx);
      if (c !== 0) return { best: c < 0 ? a : b, reason: s.name };
    }
    throw new Error('decision process: two paths the final tie-break cannot order');
  }
  if (n > 32) return eliminateByLists(candidates, steps, ctx);
  let remaining = n === 32 ? -1 : bit(n) - 1;
  let left = n;
  let reason: DecisionReason = 'only-path';
  for (let k = 0; k < steps.length && left > 1; k++) {
    const s = steps[k]!;
    let beaten = 0;
    if (s.total?.(ctx)) {
      // Some remaining path beats x exactly when a best one does.
      let m = -1;
      for (let i = 0; i < n; i++) {
        if ((remaining & bit(i)) !== 0 && (m < 0 || s.compare(candidates[i]!, candidates[m]!, ctx) < 0)) m = i;
      }
      const best = candidates[m]!;
      for (let i = 0; i < n; i++) {
        if (i !== m && (remaining & bit(i)) !== 0 && s.compare(best, candidates[i]!, ctx) < 0) beaten |= bit(i);
      }
    } else {
      for (let i = 0; i < n; i++) {
        if ((remaining & bit(i)) === 0) continue;
        const x = candidates[i]!;
        for (let j = 0; j < n; j++) {
          if (j !== i && (remaining & bit(j)) !== 0 && s.compare(candidates[j]!, x, ctx) < 0) {
            beaten |= bit(i);
            break;
          }
        }
      }
    }
    if (beaten !== 0) {
      remaining &= ~beaten;
      for (let b = beaten; b !== 0; b &= b - 1) left--;
      reason = s.name;
    }
  }
  if (left !== 1) throw new Error('decision process: paths the final tie-break cannot order');
  return { best: candidates[31 - Math.clz32(remaining)], reason };
}

/** The elimination over more paths than a mask holds, with a list of the remaining ones. */
function eliminateByLists(candidates: readonly PathRecord[], steps: readonly DecisionStep[], ctx: DecisionContext): Selection {
  let remaining = candidates;
  let reason: DecisionReason = 'only-path';
  for (const s of steps) {
    if (remaining.length === 1) break;
    const kept = remaining.filter((x) => !remaining.some((y) => y !== x && s.compare(y, x, ctx) < 0));
    if (kept.length < remaining.length) {
      remaining = kept;
      reason = s.name;
    }
  }
  if (remaining.length !== 1) throw new Error('decision process: paths the final tie-break cannot order');
  return { best: remaining[0], reason };
}

/** The best eligible path among `paths` and why (undefined when none is eligible). */
export function selectBest(paths: readonly PathRecord[], ctx: DecisionContext): Selection {
  let eligible: readonly PathRecord[] = paths;
  for (const p of paths) {
    if (!ctx.nextHopReachable(p.facts.nextHop)) {
      eligible = paths.filter((q) => ctx.nextHopReachable(q.facts.nextHop));
      break;
    }
  }
  if (eligible.length === 0) return NONE;
  if (!ctx.options.deterministicMed || ctx.options.alwaysCompareMed || eligible.length === 1) {
    return eliminate(eligible, DECISION_STEPS, ctx);
  }
  // Deterministic MED: the best of each neighbour AS (MED applies inside the group), then the
  // best of those without MED, which cannot compare routes from different ASes.
  const groups = new Map<number, PathRecord[]>();
  for (const p of eligible) {
    const asn = neighborAs(p, ctx);
    const g = groups.get(asn);
    if (g) g.push(p);
    else groups.set(asn, [p]);
  }
  const winners: PathRecord[] = [];
  let only: Selection | undefined;
  for (const g of groups.values()) {
    const s = eliminate(g, DECISION_STEPS, ctx);
    winners.push(s.best!);
    only = s;
  }
  if (winners.length === 1) return only!;
  return eliminate(winners, STEPS_WITHOUT_MED, ctx);
}
