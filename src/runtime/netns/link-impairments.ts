/**
 * netem on the ends of a link, for the netns and containerlab runtimes alike: `tc qdisc … netem`
 * where the kernel has it; once tc has said it has not, the fallback of netem-fallback.ts (loss
 * by nftables, rate by tbf, delay and jitter refused). Each runtime says how to run tc and nft
 * for a node and how its errors read; one instance per runtime remembers what the kernel said.
 */
import type { Netem } from '../../topology/lab.js';
import { RuntimeError } from '../errors.js';
import type { CallOptions } from '../runtime.js';
import type { CommandResult } from './commands.js';
import { clearLossArgv, netemFallback, netemFallbackRefusal } from './netem-fallback.js';

/** netem arguments in tc's syntax. */
export function netemArgs(n: Netem): string[] {
  const args: string[] = [];
  if (n.delayMs !== undefined) args.push('delay', `${n.delayMs}ms`, ...(n.jitterMs ? [`${n.jitterMs}ms`] : []));
  if (n.lossPercent !== undefined) args.push('loss', `${n.lossPercent}%`);
  if (n.rateKbit !== undefined) args.push('rate', `${n.rateKbit}kbit`);
  return args;
}

export interface ImpairmentHost {
  /** Error codes are `<runtime>.netem`. */
  runtime: 'netns' | 'containerlab';
  /** Whose kernel lacks netem, as the errors say it ("this kernel", "the host kernel"). */
  kernel: string;
  /** What to do about delay and jitter without netem. */
  delayHint: string;
  /** Run `tc …` (argv[0] is tc) on the node's interfaces. */
  tc(node: string, argv: string[], opts: CallOptions): Promise<CommandResult>;
  /** Run the host's `nft …` (argv[0] is nft) in the node's network namespace, `input` on stdin. */
  nft(node: string, argv: string[], opts: CallOptions, input?: string): Promise<CommandResult>;
  log(line: string): void;
}

export class LinkImpairments {
  /** Set once tc has said the kernel has no netem: impairments then go through the fallback. */
  private netemMissing = false;

  constructor(private readonly host: ImpairmentHost) {}

  /** Give each end's interface `netem`, or clear it (undefined). */
  async set(ends: ReadonlyArray<{ node: string; interface: string }>, netem: Netem | undefined, opts: CallOptions = {}): Promise<void> {
    const { host } = this;
    const code = `${host.runtime}.netem`;
    for (const e of ends) {
      await host.tc(e.node, ['tc', 'qdisc', 'del', 'dev', e.interface, 'root'], opts);
      if (this.netemMissing) await host.nft(e.node, clearLossArgv(e.interface), opts);
      if (!netem) continue;
      if (!this.netemMissing) {
        const r = await host.tc(e.node, ['tc', 'qdisc', 'add', 'dev', e.interface, 'root', 'netem', ...netemArgs(netem)], opts);
        if (r.exitCode === 0) continue;
        if (!/qdisc kind is unknown|Unknown qdisc/i.test(r.stderr)) throw new RuntimeError(code, `tc netem failed on ${e.node}:${e.interface}: ${r.stderr.trim()}`, { hint: 'check the netem values' });
        this.netemMissing = true;
        host.log(`${host.kernel} has no netem queueing discipline: loss goes through nftables and rate through tbf (netem-fallback.ts)`);
      }
      const refused = netemFallbackRefusal(netem);
      if (refused) throw new RuntimeError(code, `${host.kernel} has ${refused}`, { hint: host.delayHint });
      const fallback = netemFallback(e.interface, netem);
      for (const argv of fallback.argv) {
        const r = await host.tc(e.node, argv, opts);
        if (r.exitCode !== 0) throw new RuntimeError(code, `${argv.join(' ')} failed on ${e.node}: ${r.stderr.trim()}`, { hint: 'check the netem values' });
      }
      if (fallback.nft === undefined) continue;
      const r = await host.nft(e.node, ['nft', '-f', '-'], opts, fallback.nft);
      if (r.exitCode !== 0) {
        throw new RuntimeError(code, `packet loss on ${e.node}:${e.interface} without netem needs the host's nftables, and nft failed: ${r.stderr.trim().split('\n')[0] || `exit ${r.exitCode}`}`, {
          hint: 'apt-get install nftables, or use a kernel with sch_netem',
        });
      }
    }
  }
}
