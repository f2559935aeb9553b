/**
 * Config writer registry: the kinds name writers by key (src/kinds/kind.ts), this maps each key
 * to its ConfigWriter. The BGP daemon writers live in bird.ts, frr.ts, gobgp.ts, exabgp.ts,
 * bgpd.ts; tayga and Hesiod in tayga.ts and hesiod-zone.ts.
 */
import type { ConfigWriterKey } from '../kinds/kind.js';
import { bgpdConfig } from './bgpd.js';
import { birdConfig } from './bird.js';
import type { ConfigWriter } from './config-file.js';
import { exabgpConfig } from './exabgp.js';
import { frrConfig } from './frr.js';
import { gobgpConfig } from './gobgp.js';
import { hesiodZoneConfig } from './hesiod-zone.js';
import { httpConfig, nftablesConfig } from './host-services.js';
import { taygaConfig } from './tayga.js';
import { flatracoonNodeConfig } from './flatracoon-node.js';
import { zerotierConfig } from './zerotier.js';

export type ConfigWriterRegistry = Record<ConfigWriterKey, ConfigWriter>;

export const configWriters: ConfigWriterRegistry = {
  bird: birdConfig,
  frr: frrConfig,
  gobgp: gobgpConfig,
  exabgp: exabgpConfig,
  bgpd: bgpdConfig,
  tayga: taygaConfig,
  hesiod: hesiodZoneConfig,
  zerotier: zerotierConfig,
  nftables: nftablesConfig,
  http: httpConfig,
  'flatracoon-os': flatracoonWriter(birdConfig),
};

/** A FlatRacoon OS VM running BIRD gets a bird.conf next to its node description. */
export function flatracoonWriter(bird: ConfigWriter): ConfigWriter {
  return (lab, node) => [...flatracoonNodeConfig(lab, node), ...(vmServices(node.config).includes('bird') ? bird(lab, node) : [])];
}

function vmServices(config: Record<string, unknown>): string[] {
  return Array.isArray(config.services) ? config.services.filter((s): s is string => typeof s === 'string') : [];
}
