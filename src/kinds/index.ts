/** Every node kind, listed explicitly (no side-effect imports). Adding a kind: one file + one line. */
import type { KindCatalog } from '../topology/kind-catalog.js';
import type { Kind } from './kind.js';
import { birdKind } from './bird.js';
import { bridgeKind } from './bridge.js';
import { exabgpKind } from './exabgp.js';
import { flatlabBgpdKind } from './flatlab-bgpd.js';
import { flatlabDns64Kind } from './flatlab-dns64.js';
import { flatlabHesiodKind } from './flatlab-hesiod.js';
import { flatracoonOsKind } from './flatracoon-os.js';
import { frrKind } from './frr.js';
import { gobgpKind } from './gobgp.js';
import { linuxKind } from './linux.js';
import { taygaKind } from './tayga.js';
import { zerotierKind } from './zerotier.js';
import { FlatlabError } from '../config/diagnostics.js';
import { closestMatch } from '../config/suggest.js';

export const kinds: readonly Kind[] = [
  linuxKind,
  bridgeKind,
  birdKind,
  frrKind,
  gobgpKind,
  exabgpKind,
  flatlabBgpdKind,
  flatlabHesiodKind,
  flatlabDns64Kind,
  taygaKind,
  zerotierKind,
  flatracoonOsKind,
];

const byName = new Map(kinds.map((k) => [k.name, k]));

export class UnknownKindError extends FlatlabError {
  constructor(name: string) {
    const guess = closestMatch(name, byName.keys());
    super('kinds.unknown', `unknown node kind "${name}"`, { hint: guess ? `did you mean "${guess}"?` : `known kinds: ${[...byName.keys()].join(', ')}` });
  }
}

/** The kind named `name`; throws UnknownKindError (a validated Lab never has one). */
export function getKind(name: string): Kind {
  const kind = byName.get(name);
  if (!kind) throw new UnknownKindError(name);
  return kind;
}

/** The registry as the topology compiler sees it. */
export const kindCatalog: KindCatalog = {
  get: (name) => byName.get(name),
  names: () => kinds.map((k) => k.name),
};

export type { Kind } from './kind.js';
