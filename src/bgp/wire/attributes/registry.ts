/** Every path attribute flatlab interprets, by type code; anything else is kept raw (unknown.ts). */
import { aggregatorAttribute, as4AggregatorAttribute, atomicAggregateAttribute } from './aggregation.js';
import { as4PathAttribute, asPathAttribute } from './as-path.js';
import type { AttributeField, AttributeSpec } from './attribute.js';
import { communitiesAttribute } from './communities.js';
import { extendedCommunitiesAttribute } from './extended-communities.js';
import { largeCommunitiesAttribute } from './large-communities.js';
import { mpReachAttribute, mpUnreachAttribute } from './multiprotocol.js';
import { nextHopAttribute } from './next-hop.js';
import { originAttribute } from './origin.js';
import { localPrefAttribute, medAttribute } from './preference.js';
import { clusterListAttribute, originatorIdAttribute } from './route-reflection.js';

/** In type-code order, which is also the order attributes are written (RFC 4271 §5 recommends ascending). */
export const ATTRIBUTE_SPECS: readonly AttributeSpec[] = [
  originAttribute,
  asPathAttribute,
  nextHopAttribute,
  medAttribute,
  localPrefAttribute,
  atomicAggregateAttribute,
  aggregatorAttribute,
  communitiesAttribute,
  originatorIdAttribute,
  clusterListAttribute,
  mpReachAttribute,
  mpUnreachAttribute,
  extendedCommunitiesAttribute,
  as4PathAttribute,
  as4AggregatorAttribute,
  largeCommunitiesAttribute,
] as readonly AttributeSpec[];

const byCode: Array<AttributeSpec | undefined> = new Array<AttributeSpec | undefined>(256).fill(undefined);
for (const s of ATTRIBUTE_SPECS) byCode[s.typeCode] = s;

export function attributeSpec(typeCode: number): AttributeSpec | undefined {
  return byCode[typeCode];
}

export function attributeSpecByField(field: AttributeField): AttributeSpec {
  const s = ATTRIBUTE_SPECS.find((x) => x.field === field);
  if (!s) throw new Error(`no attribute spec for field ${field}`);
  return s;
}

/** Type codes whose absence matters (RFC 4271 §5: well-known mandatory). */
export const WELL_KNOWN_MANDATORY = ['origin', 'asPath', 'nextHop'] as const;
