/**
 * flatlab bgpd `bgpd.yml` from a lab node: one peer per session, the node's originated
 * prefixes, and the policies its chains use, copied in the vendor-neutral model (the daemon
 * evaluates them natively). The schema in src/bgp/daemon/config.ts accepts what this writes.
 */
import type { ConfigWriter } from './config-file.js';
import type { Policy } from '../bgp/policy/model.js';
import type { BgpdConfigInput } from '../bgp/daemon/config.js';
import { ConfigWriterError, policiesUsedBy, sessionsOf } from './policy-terms.js';
import { toYaml } from './yaml-text.js';

/** The control API listens on the node's own loopback; each netns/container has its own, so one port serves all. */
export const BGPD_CONTROL_ADDRESS = '127.0.0.1:8179';

export const bgpdConfig: ConfigWriter = (lab, node) => {
  const bgp = node.bgp;
  if (!bgp) throw new ConfigWriterError('flatlab bgpd', node.name, 'the node has no BGP settings (asn, router id)', 'give the node an asn');
  const sessions = sessionsOf(lab, node);
  const policies: Record<string, Policy> = {};
  for (const name of policiesUsedBy(sessions)) {
    if (name === 'all' || name === 'none') continue;
    const p = lab.policies[name];
    if (!p) throw new ConfigWriterError('flatlab bgpd', node.name, `unknown policy "${name}"`, 'define it under policies: in the topology');
    policies[name] = p;
  }
  const config: BgpdConfigInput = {
    'router-id': bgp.routerId,
    asn: bgp.asn,
    listen: { address: ['0.0.0.0', '::'], port: 179 },
    peers: sessions.map((s) => ({
      name: sessions.filter((o) => o.remote.node === s.remote.node).length > 1 ? `${s.remote.node}-${s.family}` : s.remote.node,
      address: s.remoteAddress,
      'remote-as': s.remote.asn,
      'local-address': s.localAddress,
      ...(s.loopback ? { multihop: true } : {}),
      families: [s.family],
      import: [...s.local.import],
      export: [...s.local.export],
      ...(s.reflectsToPeer ? { 'route-reflector-client': true } : {}),
      ...(s.local.nextHopSelf ? { 'next-hop-self': true } : {}),
    })),
    originate: [...bgp.originate],
    policies,
    ...(bgp.clusterId ? { 'cluster-id': bgp.clusterId } : {}),
    ...(bgp.damping ? { damping: { 'half-life': bgp.damping.halfLife, reuse: bgp.damping.reuse, suppress: bgp.damping.suppress, 'max-suppress': bgp.damping.maxSuppress } } : {}),
    rfc8212: true,
    control: { http: BGPD_CONTROL_ADDRESS },
    // Labs forward traffic over what BGP learned, as the BIRD and FRR nodes do.
    'kernel-routes': true,
  };
  const header = `# flatlab bgpd configuration for node ${node.name} of lab ${lab.name}, written by flatlab generate; edits are overwritten.\n# Reference: docs/bgpd-config.md\n`;
  return [{ path: 'bgpd.yml', content: header + toYaml(config) }];
};
