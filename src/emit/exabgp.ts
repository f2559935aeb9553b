/**
 * ExaBGP 4.2 `exabgp.conf` from a lab node: one neighbor block per session, announcing the
 * node's originated prefixes as static routes. ExaBGP has no policy engine: it neither filters
 * what it receives nor selects what it sends, so only the trivial chains (`all`, or `none`,
 * which announces nothing) can be honoured; anything else is reported rather than ignored.
 */
import type { ConfigWriter } from './config-file.js';
import { ConfigWriterError, PolicyTranslationError, addressFamilyOf, sessionsOf, type NodeSession } from './policy-terms.js';

export const exabgpConfig: ConfigWriter = (lab, node) => {
  const bgp = node.bgp;
  if (!bgp) throw new ConfigWriterError('ExaBGP', node.name, 'the node has no BGP settings (asn, router id)', 'give the node an asn');
  const out = [`# ExaBGP configuration for node ${node.name} of lab ${lab.name}, written by flatlab generate; edits are overwritten.`, ''];
  for (const s of sessionsOf(lab, node)) {
    const announce = trivialChain(s, 'export', node.name) === 'all';
    trivialChain(s, 'import', node.name);
    const routes = announce ? bgp.originate.filter((p) => addressFamilyOf(p) === s.family) : [];
    out.push(
      `neighbor ${s.remoteAddress} {`,
      `  description "${s.type} to ${s.remote.node}";`,
      `  router-id ${bgp.routerId};`,
      `  local-address ${s.localAddress};`,
      `  local-as ${s.local.asn};`,
      `  peer-as ${s.remote.asn};`,
      ...(s.loopback && s.type === 'ebgp' ? ['  multihop 2;'] : []),
      `  family {`,
      `    ${s.family} unicast;`,
      `  }`,
    );
    if (routes.length > 0) {
      out.push('  static {');
      // ExaBGP puts `self` in NEXT_HOP as the session's local address, like every other speaker's originate.
      for (const p of routes) out.push(`    route ${p} next-hop self;`);
      out.push('  }');
    }
    out.push('}', '');
  }
  return [{ path: 'exabgp.conf', content: `${out.join('\n').replace(/\n+$/, '')}\n` }];
};

function trivialChain(s: NodeSession, direction: 'import' | 'export', node: string): 'all' | 'none' {
  const chain = direction === 'import' ? s.local.import : s.local.export;
  if (chain.length === 1 && (chain[0] === 'all' || chain[0] === 'none')) return chain[0];
  throw new PolicyTranslationError(
    { daemon: 'ExaBGP', node, policy: chain.join(', ') },
    `${direction} chain [${chain.join(', ')}] on the session to ${s.remote.node}: ExaBGP has no policy engine and does not filter routes`,
    direction === 'import' ? 'give exabgp nodes import: all (ExaBGP only logs what it receives), or use a bird/frr/gobgp/flatlab-bgpd node where filtering matters' : 'give exabgp nodes export: all (announce the originate: list) or none, and filter on the receiving router',
  );
}
