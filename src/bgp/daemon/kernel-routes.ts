/**
 * Best paths into a Linux routing table, so traffic in a lab follows BGP (issue 6, optional,
 * off by default). Changes are batched and applied with `ip -batch`; a BGP next hop that is
 * not on a connected network (an iBGP peer's loopback) is resolved through the kernel's own
 * table to the gateway it leads to, as BIRD does with `gateway recursive`.
 */
import { execFile } from 'node:child_process';
import type { PathAttributes } from '../wire/types.js';

export type RunIp = (args: string[], input?: string) => Promise<{ code: number; stdout: string; stderr: string }>;

export const runIp: RunIp = (args, input) =>
  new Promise((resolve) => {
    const child = execFile('ip', args, { timeout: 10_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });

const BATCH_MS = 50;

export class KernelRoutes {
  private pending = new Map<string, string | null>(); // prefix → next hop, or null to delete
  private timer: NodeJS.Timeout | undefined;
  private installed = new Set<string>();
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly table: number | 'main', private readonly log: (e: Record<string, unknown>) => void, private readonly ip: RunIp = runIp) {}

  /** A best-path change from the speaker: install, replace or remove `prefix`. */
  change(prefix: string, best: { attributes: PathAttributes } | undefined, local: boolean): void {
    // Our own originated routes are not pushed into the kernel (their next hop is us).
    const nextHop = best && !local ? (best.attributes.mpReach?.nextHop ?? best.attributes.nextHop) : undefined;
    this.pending.set(prefix, nextHop ?? null);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Apply what is pending; resolves when the kernel has it. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.running = this.running.then(() => this.apply(batch));
    return this.running;
  }

  /** Remove everything we installed (daemon shutdown), as BIRD and FRR do. */
  async withdrawAll(): Promise<void> {
    for (const p of this.installed) this.pending.set(p, null);
    await this.flush();
  }

  private async apply(batch: Map<string, string | null>): Promise<void> {
    if (batch.size === 0) return;
    const table = this.table === 'main' ? [] : ['table', String(this.table)];
    const gateways = new Map<string, string | undefined>();
    const lines: string[] = [];
    for (const [prefix, nextHop] of batch) {
      if (nextHop === null) {
        if (this.installed.delete(prefix)) lines.push(['route', 'del', prefix, 'proto', 'bgp', ...table].join(' '));
        continue;
      }
      if (!gateways.has(nextHop)) gateways.set(nextHop, await this.resolve(nextHop));
      const via = gateways.get(nextHop);
      if (!via) {
        this.log({ msg: 'kernel route skipped: next hop unreachable', prefix, nextHop });
        if (this.installed.delete(prefix)) lines.push(['route', 'del', prefix, 'proto', 'bgp', ...table].join(' '));
        continue;
      }
      lines.push(['route', 'replace', prefix, via, 'proto', 'bgp', ...table].join(' '));
      this.installed.add(prefix);
    }
    if (lines.length === 0) return;
    const r = await this.ip(['-force', '-batch', '-'], `${lines.join('\n')}\n`);
    if (r.code !== 0) this.log({ msg: 'kernel route update failed', error: r.stderr.trim(), lines: lines.length });
  }

  /** `via GW dev IF` for a next hop: itself when connected, else what the kernel uses to reach it. */
  private async resolve(nextHop: string): Promise<string | undefined> {
    const r = await this.ip(['route', 'get', nextHop]);
    if (r.code !== 0) return undefined;
    const dev = / dev (\S+)/.exec(r.stdout)?.[1];
    const gw = / via (\S+)/.exec(r.stdout)?.[1];
    if (!dev || /^lo$/.test(dev)) return undefined;
    return gw ? `via ${gw} dev ${dev}` : `via ${nextHop} dev ${dev}`;
  }
}
