/**
 * `node.yml` for a FlatRacoon OS VM: what the guest configures at boot (hostname, addresses on
 * its virtio NICs in lab-interface order, static routes, services). The QEMU script hands the
 * node's config directory to the guest as a read-only virtual FAT drive.
 */
import { stringify } from 'yaml';
import { getKind } from '../kinds/index.js';
import { effectiveConfig } from '../kinds/placeholders.js';
import type { Lab, LabNode } from '../topology/lab.js';
import type { ConfigFile } from './config-file.js';
import { forwards } from './containerlab.js';
import { generatedHeader } from './header.js';

export function flatracoonNodeConfig(lab: Lab, node: LabNode): ConfigFile[] {
  const config = effectiveConfig(getKind(node.kind), node.config);
  const doc = {
    hostname: node.name,
    loopback: node.loopback,
    // The guest sees its NICs in this order (virtio-net devices are added in interface order).
    interfaces: node.interfaces.map((i) => ({ name: i.name, ...(i.ipv4 ? { ipv4: i.ipv4 } : {}), ...(i.ipv6 ? { ipv6: i.ipv6 } : {}) })),
    routes: node.routes.map((r) => ({ prefix: r.prefix, via: r.via })),
    forwarding: forwards(node),
    services: config.services,
    ...(node.bgp ? { bgp: { asn: node.bgp.asn, 'router-id': node.bgp.routerId } } : {}),
    env: node.env,
  };
  return [{ path: 'node.yml', content: generatedHeader('#', lab) + stringify(doc, { lineWidth: 0 }) }];
}
