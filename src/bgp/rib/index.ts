/**
 * BGP RIBs and the decision process (RFC 4271 §9, RFC 4456), sans-IO.
 *
 * API:
 * - `new Rib({ localAs, routerId, clusterId?, decision?: { defaultLocalPref, alwaysCompareMed,
 *   medMissingAsWorst, deterministicMed }, igpCost?, nextHopReachable?, rfc8212? })`
 * - `rib.addPeer({ id, address, asn, routerId, localAddress?, rrClient?, local?, keepPrePolicy?,
 *   importPolicy?, hasImportPolicy?, hasExportPolicy?, nextHopSelf?, nextHopUnchanged?,
 *   allowAsIn? })`; `rib.removePeer(id)` → BestChange[] (session down).
 * - `rib.applyUpdate(peerId, update)` → BestChange[]; `rib.announce(peerId, prefix, pathId,
 *   attrs)` / `rib.withdraw(peerId, prefix, pathId)` → BestChange | undefined. A change is
 *   `{ prefix, old, new, reason }` with `reason` the decision step that picked `new`.
 *   Import runs: pre-policy store → loop checks, RFC 8212, LOCAL_PREF strip → importPolicy.
 * - Views: `best(prefix)` → { path, reason }, `paths(prefix)`, `locRib()`, `adjRibInPre(peer)`,
 *   `adjRibInPost(peer)`, `recompute(prefixes?)` after next-hop/IGP changes.
 * - Export: `rib.exportRoute(path, toPeerId)` → { attrs } (interned, before export policy) or
 *   { rejected }; `AdjRibOut.set(prefix, pathId, attrs | undefined)` → 'announce' |
 *   'withdraw' | undefined.
 * - Decision: `DECISION_STEPS` (ordered named comparators), `selectBest(paths, ctx)`.
 * - Rules alone: `importRejection`, `importAttributes`, `exportRejection`, `exportAttributes`.
 */
export * from './types.js';
export { Rib, AdjRibOut, RoutePositions, Destination, RibError, addressSortKey, type RibOptions } from './rib.js';
export {
  DECISION_STEPS,
  DEFAULT_DECISION_OPTIONS,
  selectBest,
  eliminate,
  neighborAs,
  localPrefOf,
  medOf,
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
  type Selection,
} from './decision.js';
export {
  FlapDamping,
  DEFAULT_DAMPING,
  WITHDRAW_PENALTY,
  ATTRIBUTE_CHANGE_PENALTY,
  DampingConfigError,
  dampingCeiling,
  dampingConfigProblems,
  decayed,
  type DampingConfig,
  type DampingState,
} from './flap-damping.js';
export { AttributeInterner, attributeKey, routeAttributes, computeFacts, type InternerOptions } from './intern.js';
export {
  importRejection,
  importAttributes,
  exportRejection,
  exportAttributes,
  RibExportError,
  NO_EXPORT,
  NO_ADVERTISE,
  NO_EXPORT_SUBCONFED,
  type ExportRejection,
  type RuleContext,
} from './rules.js';
