/**
 * `zerotier.yml` for a zerotier node: its overlay settings (network id, role, controller, roots,
 * port, overlay prefix) with the kind's defaults applied, plus its underlay addresses, so the
 * node's agent needs nothing but this file.
 */
import { stringify } from 'yaml';
import { getKind } from '../kinds/index.js';
import { effectiveConfig } from '../kinds/placeholders.js';
import type { Lab, LabNode } from '../topology/lab.js';
import type { ConfigFile } from './config-file.js';
import { generatedHeader } from './header.js';

export function zerotierConfig(lab: Lab, node: LabNode): ConfigFile[] {
  const config = effectiveConfig(getKind(node.kind), node.config);
  const doc = {
    node: node.name,
    network: config.network ?? null,
    role: config.role,
    controller: config.controller ?? null,
    roots: config.roots ?? [],
    port: config.port,
    'overlay-ipv4': config['overlay-ipv4'] ?? null,
    underlay: node.interfaces.map((i) => ({ interface: i.name, ...(i.ipv4 ? { ipv4: i.ipv4 } : {}), ...(i.ipv6 ? { ipv6: i.ipv6 } : {}) })),
  };
  return [{ path: 'zerotier.yml', content: generatedHeader('#', lab) + stringify(doc, { lineWidth: 0 }) }];
}
