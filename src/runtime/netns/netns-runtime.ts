/**
 * The netns runtime: one network namespace per node, veth pairs per link, the lab's
 * addresses and static routes, each node's daemons started with its generated config.
 * Everything it creates is recorded in a state file before it is created, so `down` (here,
 * on failure, on a signal, or from `flatlab down` after a crash) removes exactly that.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, chown } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { execFileSync } from 'node:child_process';
import { labFiles } from '../../emit/lab-files.js';
import { writeTree } from '../../files/write-tree.js';
import type { Lab, Netem } from '../../topology/lab.js';
import { RuntimeError } from '../errors.js';
import type {
  CallOptions, DnsObservation, DnsQuery, ExecResult, LabStatus, LinkRef, OverlayNetworkObservation, OverlayPeerObservation, ReachObservation, ReachQuery, RouteObservation,
  Runtime, RuntimeCapability, SessionObservation,
} from '../runtime.js';
import { hostCommands, type CommandRunner } from './commands.js';
import { labNamespacePrefix, planNetns, type NetnsPlan } from './plan.js';
import { daemonExited, isRunning, sleep, startProcess, stopProcess, waitForSocket } from './processes.js';
import { labHash, processStartTime, readState, writeState, type NetnsState } from './state.js';
import { parseDig } from './dig.js';
import { LinkImpairments } from './link-impairments.js';
import { netnsOverlayAuthorize, netnsOverlayNetworks, netnsOverlayPeers } from './zt-overlay.js';
import { waitZtAgentRestarted, waitZtAgents, ZT_READY_TIMEOUT_MS, type ZtReadyDeps } from './zt-ready.js';
import { bgpObservers } from './observers/index.js';
import type { BgpObserver, ObserveContext } from './observers/observer.js';
import { getKind } from '../../kinds/index.js';
import { SerialConsole } from '../../image/serial-console.js';
import { shellQuote } from '../../emit/shell-quote.js';

const FRR_PATHSPACE_ROOT = '/var/run/frr';

export interface NetnsRuntimeOptions {
  /** Parent of per-lab run directories (state, generated configs, logs). */
  runRoot?: string;
  commands?: CommandRunner;
  log?: (line: string) => void;
  /** How long `up` waits for a ZeroTier lab's overlay agents (default ZT_READY_TIMEOUT_MS). */
  ztReadyTimeoutMs?: number;
}

export const DEFAULT_RUN_ROOT = '/run/flatlab';
/** A daemon that dies within this long after start failed to start (bad config, missing binary). */
const STARTUP_SETTLE_MS = 700;
/** How long a daemon may take to open the socket the node's next daemon needs (zebra's API). */
const SOCKET_READY_TIMEOUT_MS = 20_000;
/** How long `up` waits for every daemon to answer its control interface. */
const READY_TIMEOUT_MS = 30_000;
/** A VM boots under TCG on shared cores: `up` waits this long for its first healthy report. */
const VM_READY_TIMEOUT_MS = 180_000;
/** Attempts (100 ms apart) to restore routes after a link comes back. */
const ROUTE_RETRIES = 30;

export class NetnsRuntime implements Runtime {
  readonly name = 'netns' as const;
  readonly capabilities: ReadonlySet<RuntimeCapability> = new Set<RuntimeCapability>(['bgp', 'dns', 'ping', 'tcp', 'exec', 'link-state', 'netem', 'node-control', 'overlay', 'overlay-paths']);
  private readonly commands: CommandRunner;
  private readonly runRoot: string;
  private readonly log: (line: string) => void;
  private readonly ztReadyTimeoutMs: number;
  private lab: Lab | undefined;
  /** netem on links; made on first use, it remembers whether the kernel has netem. */
  private impairments: LinkImpairments | undefined;
  private plan: NetnsPlan | undefined;
  private state: NetnsState | undefined;
  private readonly started = Date.now();
  /** Serial consoles of the lab's VMs (FlatRacoon OS), opened when `up` waits for their health. */
  private readonly consoles = new Map<string, SerialConsole>();

  constructor(opts: NetnsRuntimeOptions = {}) {
    this.commands = opts.commands ?? hostCommands;
    this.runRoot = opts.runRoot ?? DEFAULT_RUN_ROOT;
    this.log = opts.log ?? (() => {});
    this.ztReadyTimeoutMs = opts.ztReadyTimeoutMs ?? ZT_READY_TIMEOUT_MS;
  }

  runDirOf(lab: string): string {
    return `${this.runRoot}/${lab}`;
  }

  private stateFile(lab: string): string {
    return `${this.runDirOf(lab)}/state.json`;
  }

  async up(lab: Lab, opts: CallOptions = {}): Promise<void> {
    requireRoot();
    const runDir = this.runDirOf(lab.name);
    const owner = await processOwner();
    const busy = await readState(this.stateFile(lab.name));
    if (busy?.owner && busy.owner.pid !== owner.pid && (await processStartTime(busy.owner.pid)) === busy.owner.startTime) {
      throw new RuntimeError('netns.lab-busy', `lab ${lab.name} is in use by another flatlab process (pid ${busy.owner.pid})`, { hint: `two runs of one lab share its namespaces and would break each other: wait for it to finish, or stop it (Ctrl-C); flatlab down ${lab.sourceFile} removes the lab` });
    }
    // Idempotent: the lab is already up from this or an earlier invocation.
    if (await this.attach(lab)) {
      await writeState(this.stateFile(lab.name), { ...this.state!, owner });
      this.state = { ...this.state!, owner };
      return;
    }
    const previous = await readState(this.stateFile(lab.name));
    if (previous) await this.teardown(previous);
    const labDir = `${runDir}/lab`;
    const plan = planNetns(lab, { labDir, runDir });
    await mkdir(runDir, { recursive: true });
    await writeTree(labDir, labFiles(lab));
    const state: NetnsState = { lab: lab.name, runtime: 'netns', createdAt: new Date().toISOString(), labDir, labHash: labHash(lab), namespaces: [...plan.namespaces], processes: [], owner };
    await writeState(this.stateFile(lab.name), state);
    this.lab = lab;
    this.plan = plan;
    this.state = state;
    try {
      await this.ip(['-batch', '-'], plan.rootBatch.join('\n'), opts);
      for (const [ns, lines] of plan.namespaceBatch) await this.ip(['-n', ns, '-batch', '-'], lines.join('\n'), opts);
      for (const [ns, settings] of plan.sysctls) await this.must(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings], opts);
      for (const node of lab.nodes) await this.startNodeProcesses(node.name, opts);
      await this.waitReady(opts);
    } catch (err) {
      this.log(`up failed, cleaning up: ${(err as Error).message}`);
      await this.down();
      throw err;
    }
  }

  async attach(lab: Lab): Promise<boolean> {
    const state = await readState(this.stateFile(lab.name));
    if (!state || !(await this.isAlive(state))) return false;
    if (state.labHash !== labHash(lab)) {
      throw new RuntimeError('netns.lab-changed', `lab ${lab.name} is running with a different topology than ${lab.sourceFile}`, { hint: `run flatlab down ${lab.sourceFile} first` });
    }
    this.lab = lab;
    this.state = state;
    this.plan = planNetns(lab, { labDir: state.labDir, runDir: this.runDirOf(lab.name) });
    return true;
  }

  async down(): Promise<void> {
    for (const c of this.consoles.values()) c.close();
    this.consoles.clear();
    const state = this.state ?? (this.lab ? await readState(this.stateFile(this.lab.name)) : undefined);
    if (state) await this.teardown(state);
    this.state = undefined;
  }

  /** Remove a lab by name whether or not this process started it (after a crash). */
  async downByName(lab: string): Promise<{ namespaces: string[]; processes: number }> {
    requireRoot();
    const state = (await readState(this.stateFile(lab))) ?? { lab, runtime: 'netns' as const, createdAt: '', labDir: '', labHash: '', namespaces: [], processes: [] };
    // Namespaces with the lab's prefix are ours even when the state file is gone.
    const listed = (await this.commands.run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(labNamespacePrefix(lab)));
    const all = { ...state, namespaces: [...new Set([...state.namespaces, ...listed])] };
    await this.teardown(all);
    return { namespaces: all.namespaces, processes: state.processes.length };
  }

  private async teardown(state: NetnsState): Promise<void> {
    await Promise.all(state.processes.map((p) => stopProcess(p)));
    for (const ns of state.namespaces) {
      // Processes still inside a namespace of ours were started by us (e.g. forked by a daemon).
      const pids = (await this.commands.run(['ip', 'netns', 'pids', ns])).stdout.split('\n').filter(Boolean).map(Number);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await this.commands.run(['ip', 'netns', 'delete', ns]);
      // FRR's pathspace directory for this namespace (kinds/frr.ts runs it with `-N <namespace>`).
      await rm(`${FRR_PATHSPACE_ROOT}/${ns}`, { recursive: true, force: true });
    }
    await rm(this.runDirOf(state.lab) + '/state.json', { force: true });
  }

  private async isAlive(state: NetnsState): Promise<boolean> {
    const listed = new Set((await this.commands.run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]));
    return state.namespaces.every((ns) => listed.has(ns));
  }

  async status(): Promise<LabStatus> {
    const lab = this.requireLab();
    const state = this.state ?? (await readState(this.stateFile(lab.name)));
    const listed = new Set((await this.commands.run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]));
    const nodes = await Promise.all(lab.nodes.map(async (n) => {
      const ns = this.plan?.nodeNamespace.get(n.name) ?? `${labNamespacePrefix(lab.name)}${n.name}`;
      if (!listed.has(ns)) return { name: n.name, kind: n.kind, state: 'absent' as const };
      const procs = state?.processes.filter((p) => p.node === n.name) ?? [];
      const alive = await Promise.all(procs.map(isRunning));
      const dead = procs.filter((_, i) => !alive[i]).map((p) => p.name);
      return { name: n.name, kind: n.kind, state: dead.length ? ('failed' as const) : ('running' as const), ...(dead.length ? { detail: `not running: ${dead.join(', ')}` } : {}) };
    }));
    return { lab: lab.name, runtime: 'netns', nodes };
  }

  async exec(node: string, argv: readonly string[], opts: CallOptions = {}): Promise<ExecResult> {
    // A VM's commands run inside the guest, through its serial console.
    if (this.lab && getKind(this.kindOf(node)).vm) {
      const r = await (await this.vmConsole(node)).exec(argv.map(shellQuote).join(' '), 120_000, opts.signal);
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: '' };
    }
    return this.commands.run(['ip', 'netns', 'exec', this.ns(node), ...argv], { timeoutMs: 120_000, ...(opts.signal ? { signal: opts.signal } : {}) });
  }

  async setLinkState(link: LinkRef, state: 'up' | 'down', opts: CallOptions = {}): Promise<void> {
    const endpoints = this.requireLab().links[link.index]!.endpoints;
    for (const e of endpoints) await this.ip(['-n', this.ns(e.node), 'link', 'set', e.interface, state], undefined, opts);
    if (state === 'down') return;
    // The kernel flushed the routes through the interface when it went down: put the lab's back.
    // Right after `up` the interface's IPv6 routes may not be back yet: retry briefly.
    for (const node of new Set(endpoints.map((e) => e.node))) {
      const routes = (this.plan!.namespaceBatch.get(this.ns(node)) ?? []).filter((l) => l.startsWith('route '));
      if (routes.length === 0) continue;
      for (let attempt = 1; ; attempt++) {
        const r = await this.commands.run(['ip', '-force', '-n', this.ns(node), '-batch', '-'], { input: routes.join('\n'), ...(opts.signal ? { signal: opts.signal } : {}) });
        if (r.exitCode === 0) break;
        if (attempt >= ROUTE_RETRIES) throw new RuntimeError('netns.routes', `could not restore the static routes of ${node} after link-up: ${r.stderr.trim()}`, { hint: 'see flatlab exec <topology> <node> -- ip route' });
        await sleep(100, opts.signal);
      }
    }
  }

  async setNetem(link: LinkRef, netem: Netem | undefined, opts: CallOptions = {}): Promise<void> {
    const signal = (o: CallOptions) => (o.signal ? { signal: o.signal } : {});
    this.impairments ??= new LinkImpairments({
      runtime: 'netns',
      kernel: 'this kernel',
      delayHint: 'run delay scenarios on the sim runtime, or on a host whose kernel has sch_netem (stock Debian kernels do)',
      tc: (node, argv, o) => this.commands.run(['tc', '-n', this.ns(node), ...argv.slice(1)], signal(o)),
      nft: (node, argv, o, input) => this.commands.run(['ip', 'netns', 'exec', this.ns(node), ...argv], { ...(input !== undefined ? { input } : {}), ...signal(o) }),
      log: this.log,
    });
    await this.impairments.set(this.requireLab().links[link.index]!.endpoints, netem, opts);
  }

  async stopNode(node: string): Promise<void> {
    const state = this.requireState();
    await Promise.all(state.processes.filter((p) => p.node === node).map((p) => stopProcess(p)));
    state.processes = state.processes.filter((p) => p.node !== node);
    await writeState(this.stateFile(state.lab), state);
  }

  async startNode(node: string, opts: CallOptions = {}): Promise<void> {
    await this.startNodeProcesses(node, opts);
    // A restarted overlay agent has rejoined and configured its device before `start` returns, as after `up`.
    const lab = this.requireLab();
    if (lab.nodes.find((n) => n.name === node)?.kind === 'zerotier') await waitZtAgentRestarted(lab, node, this.ztReadyDeps(opts), this.ztReadyTimeoutMs);
  }

  private async startNodeProcesses(node: string, opts: CallOptions): Promise<void> {
    const plan = this.plan!;
    const state = this.requireState();
    const ns = this.ns(node);
    const runDir = plan.dirs.runOf(node);
    await mkdir(runDir, { recursive: true });
    const procs = plan.processes.get(node) ?? [];
    for (const user of new Set(procs.map((p) => p.user).filter((u): u is string => !!u))) {
      const { uid, gid } = lookupUser(user);
      await chown(runDir, uid, gid);
    }
    // A kind's command that names a config file the writer did not produce does not apply to this
    // node (a linux node without config.nftables or config.http; GoBGP with nothing to originate).
    const configDir = plan.dirs.configOf(node);
    const applies = (argv: readonly string[]) => !argv.some((a) => a.startsWith(`${configDir}/`) && !existsSync(a));
    for (const argv of (plan.setup.get(node) ?? []).filter(applies)) await this.must(['ip', 'netns', 'exec', ns, ...argv], opts);
    const started = [];
    for (const p of procs.filter((x) => applies(x.argv))) {
      const sp = await startProcess(ns, p, `${runDir}/${p.name}.log`);
      state.processes.push(sp);
      started.push(sp);
      await writeState(this.stateFile(state.lab), state);
      if (p.readySocket) await waitForSocket(sp, p.readySocket, SOCKET_READY_TIMEOUT_MS, opts.signal);
    }
    if (started.length) {
      await sleep(STARTUP_SETTLE_MS, opts.signal);
      for (const sp of started) {
        if (!(await isRunning(sp))) throw await daemonExited(sp, 'netns.daemon-exited', `${sp.name} on node ${node} exited right after start`);
      }
    }
    for (const argv of (plan.postStart.get(node) ?? []).filter(applies)) await this.must(['ip', 'netns', 'exec', ns, ...argv], opts);
  }

  /** The raw file a VM sees as its updates disk (the QEMU script creates it; vm-update writes a root into it). */
  vmUpdatesDisk(node: string): string {
    return `${this.plan!.dirs.runOf(node)}/updates.img`;
  }

  /** Reboot a VM and return once its next boot has begun (the initramfs's first console line). */
  async vmReboot(node: string, opts: CallOptions = {}): Promise<void> {
    const c = await this.vmConsole(node);
    const next = c.waitForLine((l) => l.includes('flatracoon-init: slot'), VM_READY_TIMEOUT_MS, `next boot of VM ${node}`);
    next.catch(() => undefined);
    c.write('\n(sleep 1; sync; reboot) >/dev/null 2>&1 &\n');
    await Promise.race([next, new Promise<never>((_, reject) => opts.signal?.addEventListener('abort', () => reject(opts.signal!.reason), { once: true }))]);
  }

  private async vmConsole(node: string): Promise<SerialConsole> {
    let c = this.consoles.get(node);
    if (!c) {
      c = new SerialConsole(`${this.plan!.dirs.runOf(node)}/console.sock`);
      await c.connect();
      this.consoles.set(node, c);
    }
    return c;
  }

  /** Each VM reports itself healthy on its serial console (FLATRACOON-HEALTH) before `up` returns. */
  private async waitVmsHealthy(): Promise<void> {
    const vms = this.requireLab().nodes.filter((n) => getKind(n.kind).vm);
    await Promise.all(vms.map(async (n) => {
      const c = await this.vmConsole(n.name);
      const healthy = c.waitForHealth((h) => h.healthy, VM_READY_TIMEOUT_MS, `healthy report from VM ${n.name}`).catch((err: Error) => {
        throw new RuntimeError('netns.vm-not-ready', `VM ${n.name} did not report healthy within ${VM_READY_TIMEOUT_MS / 1000} s: ${err.message}`, { hint: `see ${this.plan!.dirs.runOf(n.name)}/ (QEMU log, console.sock)` });
      });
      // QEMU that exits (a bad drive option, no image) ends the wait at once instead of at the timeout.
      let done = false;
      const exited = (async () => {
        while (!done) {
          await sleep(1000);
          const procs = this.state?.processes.filter((p) => p.node === n.name) ?? [];
          const dead = (await Promise.all(procs.map(isRunning))).some((alive) => !alive);
          if (dead && !done) throw new RuntimeError('netns.vm-exited', `the QEMU of VM ${n.name} exited while booting`, { hint: `see its log in ${this.plan!.dirs.runOf(n.name)}/` });
        }
      })();
      try {
        await Promise.race([healthy, exited]);
      } finally {
        done = true;
      }
    }));
  }

  /** Every BGP daemon answers its control interface (birdc, vtysh, gobgp, the bgpd socket) before `up` returns. */
  private async waitReady(opts: CallOptions): Promise<void> {
    await this.waitVmsHealthy();
    const lab = this.requireLab();
    const pending = lab.nodes.filter((n) => bgpObservers[n.kind] && (this.plan!.processes.get(n.name)?.length ?? 0) > 0);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (const node of pending) {
      for (;;) {
        const problem = await this.observer(node.name).sessions(this.observeContext(node.name, opts)).then(() => undefined, (err: Error) => err.message);
        if (!problem) break;
        const dead = this.state!.processes.filter((p) => p.node === node.name);
        const alive = await Promise.all(dead.map(isRunning));
        const exited = dead.find((_, i) => !alive[i]);
        if (exited) throw new RuntimeError('netns.daemon-exited', `${exited.name} on node ${node.name} exited while starting`, { hint: `see its log: ${exited.log}` });
        if (Date.now() > deadline) throw new RuntimeError('netns.not-ready', `${node.name} (${node.kind}) did not become ready within ${READY_TIMEOUT_MS / 1000} s: ${problem}`, { hint: `see the logs in ${this.plan!.dirs.runOf(node.name)}` });
        await sleep(200, opts.signal);
      }
    }
    // Every overlay agent has joined, holds its peers' keys and has its addresses on its device.
    if (lab.nodes.some((n) => n.kind === 'zerotier')) await waitZtAgents(lab, this.ztReadyDeps(opts), this.ztReadyTimeoutMs);
  }

  private ztReadyDeps(opts: CallOptions): ZtReadyDeps {
    return {
      runDirOf: (node) => this.plan!.dirs.runOf(node),
      exec: (node, argv) => this.exec(node, argv, opts),
      exitedAgentLog: async (node) => {
        for (const p of this.state?.processes.filter((x) => x.node === node) ?? []) if (!(await isRunning(p))) return p.log;
        return undefined;
      },
      running: async (node) => {
        const procs = this.state?.processes.filter((x) => x.node === node) ?? [];
        return procs.length > 0 && (await Promise.all(procs.map(isRunning))).every(Boolean);
      },
      now: () => Date.now(),
      sleep: (ms) => sleep(ms, opts.signal),
    };
  }

  async bgpSessions(node: string, opts: CallOptions = {}): Promise<SessionObservation[]> {
    return this.observer(node).sessions(this.observeContext(node, opts));
  }

  async bgpRoutes(node: string, prefix: string | undefined, opts: CallOptions = {}): Promise<RouteObservation[]> {
    return this.observer(node).routes(this.observeContext(node, opts), prefix);
  }

  private observer(node: string): BgpObserver {
    const kind = this.kindOf(node);
    const o = bgpObservers[kind];
    if (!o) throw new RuntimeError('netns.observe', `observing BGP on ${node} (kind ${kind}) is not implemented on netns yet`, { hint: `observable kinds: ${Object.keys(bgpObservers).join(', ')}; the sim runtime observes every BGP node` });
    return o;
  }

  private observeContext(node: string, opts: CallOptions): ObserveContext {
    const lab = this.requireLab();
    return { lab, node: lab.nodes.find((n) => n.name === node)!, runDir: this.plan!.dirs.runOf(node), exec: (argv) => this.exec(node, argv, opts) };
  }

  async dnsQuery(from: string, q: DnsQuery, opts: CallOptions = {}): Promise<DnsObservation> {
    const t0 = Date.now();
    const argv = ['dig', '+time=2', '+tries=1', '+noall', '+comments', '+answer', ...(q.server ? [`@${q.server}`] : []), '-c', q.class ?? 'IN', '-t', q.type, q.name];
    const r = await this.exec(from, argv, opts);
    return { ...parseDig(r.stdout), elapsedMs: Date.now() - t0 };
  }

  async reach(from: string, q: ReachQuery, opts: CallOptions = {}): Promise<ReachObservation> {
    if (q.protocol === 'icmp') {
      const count = q.count ?? 3;
      const r = await this.exec(from, ['ping', '-c', String(count), '-i', '0.2', '-W', '1', '-n', q.to], opts);
      const loss = /(\d+(?:\.\d+)?)% packet loss/.exec(r.stdout)?.[1];
      const rtt = /= [\d.]+\/([\d.]+)\//.exec(r.stdout)?.[1];
      const detail = loss !== undefined ? `${loss}% loss${rtt ? `, avg rtt ${rtt} ms` : ''}` : (r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.exitCode}`;
      return { reachable: r.exitCode === 0, detail, ...(rtt ? { rttMs: Number(rtt) } : {}) };
    }
    const host = q.to.includes(':') ? `[${q.to}]` : q.to;
    const r = await this.exec(from, ['timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${q.to}/${q.port}`], opts);
    return { reachable: r.exitCode === 0, detail: r.exitCode === 0 ? `connected to ${host}:${q.port}` : r.exitCode === 124 ? `no answer from ${host}:${q.port} within 3s` : r.stderr.trim() || `exit ${r.exitCode}` };
  }

  overlayNetworks(node: string): Promise<OverlayNetworkObservation[]> {
    return netnsOverlayNetworks(this.requireLab(), (n) => this.plan!.dirs.runOf(n), node);
  }

  overlayPeers(node: string): Promise<OverlayPeerObservation[]> {
    return netnsOverlayPeers(this.requireLab(), (n) => this.plan!.dirs.runOf(n), node);
  }

  overlayAuthorize(member: string, authorized: boolean): Promise<void> {
    return netnsOverlayAuthorize(this.requireLab(), (n) => this.plan!.dirs.runOf(n), member, authorized);
  }

  now(): number {
    return Date.now() - this.started;
  }

  sleep(ms: number, opts: CallOptions = {}): Promise<void> {
    return sleep(ms, opts.signal);
  }

  private ns(node: string): string {
    const ns = this.plan?.nodeNamespace.get(node);
    if (!ns) throw new RuntimeError('netns.unknown-node', `no node "${node}" in the running lab`, { hint: 'bring the lab up first' });
    return ns;
  }

  private kindOf(node: string): string {
    return this.lab?.nodes.find((n) => n.name === node)?.kind ?? '?';
  }

  private requireLab(): Lab {
    if (!this.lab) throw new RuntimeError('netns.not-up', 'the lab is not up', { hint: 'run the up step first' });
    return this.lab;
  }

  private requireState(): NetnsState {
    if (!this.state) throw new RuntimeError('netns.not-up', 'the lab is not up', { hint: 'run the up step first' });
    return this.state;
  }

  private async ip(args: string[], input: string | undefined, opts: CallOptions): Promise<void> {
    await this.must(['ip', ...(input !== undefined ? ['-force'] : []), ...args], opts, input);
  }

  private async must(argv: string[], opts: CallOptions, input?: string): Promise<void> {
    const r = await this.commands.run(argv, { ...(input !== undefined ? { input } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    if (r.exitCode !== 0) {
      const failedLine = /Command failed -:(\d+)/.exec(r.stderr)?.[1];
      const line = failedLine && input ? ` (line: ${input.split('\n')[Number(failedLine) - 1]})` : '';
      throw new RuntimeError('netns.command', `${argv.slice(0, 6).join(' ')}${argv.length > 6 ? ' …' : ''} failed: ${r.stderr.trim().split('\n')[0] || `exit ${r.exitCode}`}${line}`, { hint: 'check the topology\'s addresses and routes (flatlab validate), and that iproute2 is installed' });
    }
  }
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new RuntimeError('netns.not-root', `the netns runtime needs root (running as ${userInfo().username})`, { hint: 'run with sudo, or use --runtime sim' });
}

function lookupUser(name: string): { uid: number; gid: number } {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new RuntimeError('netns.no-user', `user "${name}" does not exist on this host`, { hint: `install the package that provides it (FRR creates user frr)` });
  }
}

/** This process, as a lab's owner. */
async function processOwner(): Promise<{ pid: number; startTime: string }> {
  return { pid: process.pid, startTime: (await processStartTime(process.pid)) ?? '' };
}
