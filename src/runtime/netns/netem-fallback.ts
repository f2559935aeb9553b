/**
 * Link impairments on a kernel without the netem queueing discipline (CONFIG_NET_SCH_NETEM not
 * set, as on some VM and CI kernels): loss as an nftables rule that drops that share of the
 * packets leaving the interface (`numgen random`, on postrouting, so forwarded packets count as
 * they would in netem on the egress queue), rate as a token bucket (tbf). Delay and jitter hold
 * packets back, which only netem does: the runtimes refuse them with an error saying so. Pure:
 * the commands to run inside the node's namespace.
 */
import type { Netem } from '../../topology/lab.js';

const TABLE = 'flatlab_netem';
/** Loss is drawn as a number below this; the rule drops those below the loss share of it. */
const LOSS_SCALE = 1_000_000;

/** The nft chain holding an interface's loss rule (nft names: letters, digits, underscores). */
export function lossChain(iface: string): string {
  return `egress_${iface.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export interface FallbackCommands {
  /** Argv lists, in order (tc for rate). */
  argv: string[][];
  /** An `nft -f -` script (loss), if any. */
  nft?: string;
}

/** Why these impairments cannot be had without netem (delay, jitter), or undefined when they can. */
export function netemFallbackRefusal(netem: Netem): string | undefined {
  if (!netem.delayMs && !netem.jitterMs) return undefined;
  return 'no netem queueing discipline (CONFIG_NET_SCH_NETEM is not set), and delay and jitter need it; loss and rate work without it';
}

/** What gives `iface` these impairments without netem (check netemFallbackRefusal first: delay and jitter are left out). */
export function netemFallback(iface: string, netem: Netem): FallbackCommands {
  const out: FallbackCommands = { argv: [] };
  // burst: at least one full-size frame per tick; latency bounds the queue as netem's limit would.
  if (netem.rateKbit !== undefined) out.argv.push(['tc', 'qdisc', 'add', 'dev', iface, 'root', 'tbf', 'rate', `${netem.rateKbit}kbit`, 'burst', '32kbit', 'latency', '400ms']);
  if (netem.lossPercent) {
    const below = Math.min(LOSS_SCALE, Math.round(netem.lossPercent * (LOSS_SCALE / 100)));
    const chain = lossChain(iface);
    out.nft = [
      `add table inet ${TABLE}`,
      `add chain inet ${TABLE} ${chain} { type filter hook postrouting priority 0; policy accept; }`,
      `flush chain inet ${TABLE} ${chain}`,
      // numgen's values run to LOSS_SCALE - 1: every packet is a plain drop.
      `add rule inet ${TABLE} ${chain} oifname "${iface}" ${below >= LOSS_SCALE ? '' : `numgen random mod ${LOSS_SCALE} < ${below} `}drop`,
      '',
    ].join('\n');
  }
  return out;
}

/** The argv that removes an interface's loss rule (fails harmlessly when there is none). */
export function clearLossArgv(iface: string): string[] {
  return ['nft', 'delete', 'chain', 'inet', TABLE, lossChain(iface)];
}
