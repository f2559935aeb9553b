/**
 * The containerlab runtime: writes the lab (clab.yml + configs/) into a run directory, builds
 * the node images it can when they are missing, creates the host bridges of LAN links, and
 * drives the `containerlab` CLI (deploy, inspect --format json, destroy --cleanup) through
 * execa. Everything inside nodes goes through Docker (dockerode): exec for the observers
 * (birdc, vtysh, gobgp — the netns runtime's, run in the container), dig, ping, `ip link` for
 * link state, `tc` for netem; docker stop/start for node control.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { containerlabTopology, lanBridges } from '../../emit/containerlab.js';
import { labFiles, nodeConfigFiles } from '../../emit/lab-files.js';
import { writeFileAtomically } from '../../files/write-file.js';
import { writeTree } from '../../files/write-tree.js';
import { EXABGP_CONTAINER_PIPES } from '../../kinds/exabgp.js';
import type { Lab, Netem } from '../../topology/lab.js';
import { RuntimeError } from '../errors.js';
import { parseDig } from '../netns/dig.js';
import { hostCommands, type CommandResult } from '../netns/commands.js';
import { LinkImpairments } from '../netns/link-impairments.js';
import { bgpObservers } from '../netns/observers/index.js';
import type { BgpObserver, ObserveContext } from '../netns/observers/observer.js';
import { sleep } from '../netns/processes.js';
import { labHash } from '../netns/state.js';
import type {
  CallOptions, DnsObservation, DnsQuery, ExecResult, LabStatus, LinkRef, NodeStatus, ReachObservation, ReachQuery, RouteObservation,
  Runtime, RuntimeCapability, SessionObservation,
} from '../runtime.js';
import { BgpdRelay } from './bgpd-relay.js';
import { DockerEngine } from './docker.js';
import { CONTAINERLAB_ENV, ContainerlabMissingError, ImageMissingError } from './errors.js';
import { buildImage, imageStamp, recipeStamp } from './image-builder.js';
import { recipeFor } from './image-recipes.js';
import { containerPrefix, parseInspect, type ClabContainer } from './inspect.js';
import { interfaceAddressCommands, relinkPlan, routeCommands } from './relink.js';

export interface ContainerlabRuntimeOptions {
  /** Parent of per-lab run directories (the generated lab, state). */
  runRoot?: string;
  /** The containerlab executable; default $FLATLAB_CONTAINERLAB, else `containerlab` on PATH. */
  containerlab?: string;
  docker?: DockerEngine;
  /** Build missing flatlab/*-local images from the host's packages (default true). */
  buildImages?: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_RUN_ROOT = '/run/flatlab/containerlab';
const DEPLOY_TIMEOUT_MS = 600_000;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_S = 5;
const ROUTE_RETRIES = 30;

/**
 * Where each daemon's control socket lives inside its container, as the kinds' containerlab
 * commands start them: BIRD with `-s /run/bird.ctl`, FRR's frrinit.sh in /var/run/frr; GoBGP's
 * gRPC API is on the container's own loopback. flatlab bgpd is reached through a host relay
 * (bgpd-relay.ts).
 */
const CONTAINER_RUN_DIRS: Readonly<Record<string, string>> = { bird: '/run', frr: '/var/run/frr', gobgp: '/run', exabgp: EXABGP_CONTAINER_PIPES };
const OBSERVABLE_KINDS = [...Object.keys(CONTAINER_RUN_DIRS), 'flatlab-bgpd'];

/**
 * containerlab runs a node's exec lines (its addresses and routes) after the container, and so
 * the daemon, started: the daemon's first connection attempts found no addresses, and its
 * connect-retry timer (120 s in FRR, BIRD and GoBGP) would hold the sessions back that long.
 * Once the addresses are there, these restart the sessions so they come up at once.
 */
const SESSION_KICKS: Readonly<Record<string, readonly string[]>> = {
  bird: ['birdc', '-s', '/run/bird.ctl', 'restart', 'all'],
  frr: ['vtysh', '-c', 'clear bgp *'],
  gobgp: ['gobgp', 'neighbor', 'all', 'reset'],
};

interface ClabState {
  lab: string;
  runtime: 'containerlab';
  labDir: string;
  labHash: string;
  bridges: string[];
}

export class ContainerlabRuntime implements Runtime {
  readonly name = 'containerlab' as const;
  readonly capabilities: ReadonlySet<RuntimeCapability> = new Set<RuntimeCapability>(['bgp', 'dns', 'ping', 'tcp', 'exec', 'link-state', 'netem', 'node-control']);
  private readonly runRoot: string;
  private readonly docker: DockerEngine;
  private readonly binary: string | undefined;
  private readonly buildImages: boolean;
  private readonly log: (line: string) => void;
  private lab: Lab | undefined;
  private relay: BgpdRelay | undefined;
  /** netem on links; made on first use, it remembers whether the host kernel has netem. */
  private impairments: LinkImpairments | undefined;
  private readonly started = Date.now();

  constructor(opts: ContainerlabRuntimeOptions = {}) {
    this.runRoot = opts.runRoot ?? DEFAULT_RUN_ROOT;
    this.docker = opts.docker ?? new DockerEngine();
    this.binary = opts.containerlab ?? process.env[CONTAINERLAB_ENV];
    this.buildImages = opts.buildImages ?? true;
    this.log = opts.log ?? (() => {});
  }

  labDirOf(lab: string): string {
    return `${this.runRoot}/${lab}/lab`;
  }

  private stateFile(lab: string): string {
    return `${this.runRoot}/${lab}/state.json`;
  }

  async up(lab: Lab, opts: CallOptions = {}): Promise<void> {
    const clab = await this.containerlab();
    await this.docker.requireEngine();
    if (await this.attach(lab, opts)) return;
    // Leftovers of a run that died half-way: containerlab refuses to deploy over them.
    await this.down(opts);
    this.lab = lab;
    const labDir = this.labDirOf(lab.name);
    await writeTree(labDir, labFiles(lab));
    const bridges = lanBridges(lab).map((b) => b.bridge);
    await this.writeState({ lab: lab.name, runtime: 'containerlab', labDir, labHash: labHash(lab), bridges });
    try {
      await this.ensureImages(lab, opts);
      for (const bridge of bridges) {
        await this.host(['ip', 'link', 'add', bridge, 'type', 'bridge'], opts);
        await this.host(['ip', 'link', 'set', bridge, 'up'], opts);
        // Docker loads br_netfilter (bridged IPv4 goes through iptables' FORWARD chain, whatever
        // the bridge's own nf_call_iptables says) and sets FORWARD's policy to DROP: let the
        // LAN's frames through, as containerlab does for its bridges.
        const r = await this.run('iptables', ['-w', '-I', 'FORWARD', ...forwardRule(bridge)], opts, 30_000);
        if (r.exitCode !== 0) this.log(`iptables: ${lastLines(r.stderr)} (LAN ${bridge} may drop IPv4 if Docker's FORWARD policy is DROP)`);
      }
      this.log(`containerlab deploy -t ${labDir}/clab.yml`);
      const r = await this.run(clab, ['deploy', '-t', `${labDir}/clab.yml`], opts, DEPLOY_TIMEOUT_MS);
      if (r.exitCode !== 0) throw new RuntimeError('containerlab.deploy', `containerlab deploy failed: ${lastLines(r.stderr || r.stdout)}`, { hint: `the lab is in ${labDir}; see docker logs ${containerPrefix(lab.name)}<node>` });
      const containers = await this.inspect(opts);
      const notRunning = lab.nodes.filter((n) => containers.find((c) => c.node === n.name)?.state !== 'running').map((n) => n.name);
      if (notRunning.length) throw new RuntimeError('containerlab.not-running', `after deploy these nodes are not running: ${notRunning.join(', ')}`, { hint: `see docker logs ${containerPrefix(lab.name)}${notRunning[0]}` });
      await this.waitReady(opts);
      await this.kickSessions(opts);
    } catch (err) {
      this.log(`up failed, cleaning up: ${(err as Error).message}`);
      await this.down();
      throw err;
    }
  }

  async attach(lab: Lab, opts: CallOptions = {}): Promise<boolean> {
    this.lab = lab;
    const state = await this.readState(lab.name);
    if (!state || !existsSync(`${state.labDir}/clab.yml`)) return false;
    const containers = await this.inspect(opts).catch(() => []);
    const alive = lab.nodes.every((n) => containers.some((c) => c.node === n.name && c.state === 'running'));
    if (!alive) return false;
    if (state.labHash !== labHash(lab)) {
      throw new RuntimeError('containerlab.lab-changed', `lab ${lab.name} is running with a different topology than ${lab.sourceFile}`, { hint: `run flatlab down ${lab.sourceFile} --runtime containerlab first` });
    }
    return true;
  }

  async down(opts: CallOptions = {}): Promise<void> {
    const lab = this.lab;
    if (!lab) return;
    const state = await this.readState(lab.name);
    const labDir = state?.labDir ?? this.labDirOf(lab.name);
    const clab = await this.containerlab().catch(() => undefined);
    if (clab && existsSync(`${labDir}/clab.yml`)) {
      const r = await this.run(clab, ['destroy', '-t', `${labDir}/clab.yml`, '--cleanup'], opts, DEPLOY_TIMEOUT_MS);
      if (r.exitCode !== 0) this.log(`containerlab destroy: ${lastLines(r.stderr || r.stdout)}`);
    }
    // Whatever destroy missed (or could not run for): the lab's containers by containerlab's label.
    // A create request the engine had accepted before an abort may still land: sweep until the
    // label finds nothing twice in a row (bounded).
    await this.docker.requireEngine().then(async () => {
      for (let round = 0, quiet = 0; round < 10 && quiet < 2; round++) {
        const left = await this.docker.labContainers(lab.name);
        for (const c of left) await this.docker.remove(c.id);
        quiet = left.length ? 0 : quiet + 1;
        if (quiet < 2) await sleep(250);
      }
    }, (err: Error) => this.log(`docker: ${err.message}`));
    await this.relay?.close();
    this.relay = undefined;
    for (const bridge of state?.bridges ?? lanBridges(lab).map((b) => b.bridge)) {
      await execa('ip', ['link', 'del', bridge], { reject: false });
      await execa('iptables', ['-w', '-D', 'FORWARD', ...forwardRule(bridge)], { reject: false });
    }
    // A LAN port's veth lives on in the host until the kernel has torn down the namespace of the
    // container at its other end, which it does in the background after the container is gone;
    // the next deploy of the lab would then fail with "File exists" on that name. Delete them now.
    for (const port of lanBridges(lab).flatMap((b) => b.ports)) await execa('ip', ['link', 'del', port], { reject: false });
    await rm(`${this.runRoot}/${lab.name}`, { recursive: true, force: true });
  }

  async status(opts: CallOptions = {}): Promise<LabStatus> {
    const lab = this.requireLab();
    const containers = await this.inspect(opts);
    const nodes = await Promise.all(lab.nodes.map(async (n): Promise<NodeStatus> => {
      const c = containers.find((x) => x.node === n.name);
      if (!c) return { name: n.name, kind: n.kind, state: 'absent' };
      if (c.state !== 'running') return { name: n.name, kind: n.kind, state: c.state === 'exited' ? 'stopped' : 'failed', detail: `container ${c.name} is ${c.state}` };
      const stats = await this.docker.stats(c.name).catch(() => undefined);
      return { name: n.name, kind: n.kind, state: 'running', ...(stats ? { detail: `${(stats.memoryBytes / 2 ** 20).toFixed(1)} MiB` } : {}) };
    }));
    return { lab: lab.name, runtime: 'containerlab', nodes };
  }

  async exec(node: string, argv: readonly string[], opts: CallOptions = {}): Promise<ExecResult> {
    return this.docker.exec(this.container(node), argv, opts.signal);
  }

  async setLinkState(link: LinkRef, state: 'up' | 'down', opts: CallOptions = {}): Promise<void> {
    const endpoints = this.requireLab().links[link.index]!.endpoints;
    for (const e of endpoints) await this.must(e.node, ['ip', 'link', 'set', 'dev', e.interface, state], opts);
    if (state === 'down') return;
    // Link-down flushed the interface's IPv6 addresses (containers lack the netns runtime's
    // keep_addr_on_down) and the routes through it: put the lab's back.
    for (const e of endpoints) {
      const node = this.requireLab().nodes.find((n) => n.name === e.node)!;
      for (const argv of interfaceAddressCommands(node, e.interface)) {
        await this.must(e.node, argv, opts);
      }
    }
    for (const name of new Set(endpoints.map((e) => e.node))) await this.restoreRoutes(name, opts);
  }

  private async restoreRoutes(name: string, opts: CallOptions): Promise<void> {
    const node = this.requireLab().nodes.find((n) => n.name === name)!;
    for (const argv of routeCommands(node)) {
      for (let attempt = 1; ; attempt++) {
        const r = await this.exec(name, argv, opts);
        if (r.exitCode === 0) break;
        // Right after link-up an IPv6 next hop may not be usable yet: retry briefly.
        if (attempt >= ROUTE_RETRIES) throw new RuntimeError('containerlab.routes', `could not restore a static route of ${name}: ${argv.join(' ')}: ${r.stderr.trim()}`, { hint: 'see flatlab exec <topology> <node> -- ip route' });
        await sleep(100, opts.signal);
      }
    }
  }

  async setNetem(link: LinkRef, netem: Netem | undefined, opts: CallOptions = {}): Promise<void> {
    this.impairments ??= new LinkImpairments({
      runtime: 'containerlab',
      kernel: 'the host kernel',
      delayHint: 'load it on the host (modprobe sch_netem), or run delay scenarios on the sim runtime',
      tc: (node, argv, o) => this.exec(node, argv, o),
      // The images carry no nft: the host's, in the container's network namespace.
      nft: (node, argv, o, input) => this.inNodeNetns(node, argv, o, input),
      log: this.log,
    });
    await this.impairments.set(this.requireLab().links[link.index]!.endpoints, netem, opts);
  }

  /** A host command in a node container's network namespace (nsenter by the container's PID). */
  private async inNodeNetns(node: string, argv: string[], opts: CallOptions, input?: string): Promise<CommandResult> {
    const pid = await this.docker.pid(this.container(node));
    if (!pid) throw new RuntimeError('containerlab.not-running', `node ${node} is not running`, { hint: 'start it first' });
    return hostCommands.run(['nsenter', '-t', String(pid), '-n', ...argv], { ...(input !== undefined ? { input } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  }

  async stopNode(node: string): Promise<void> {
    await this.docker.stop(this.container(node), STOP_GRACE_S);
  }

  /** docker start, then the node's links, addresses and routes again (see relink.ts for why). */
  async startNode(node: string, opts: CallOptions = {}): Promise<void> {
    const lab = this.requireLab();
    await this.docker.start(this.container(node));
    const plan = relinkPlan(lab, node);
    const pid = async (n: string) => {
      const p = await this.docker.pid(this.container(n));
      if (!p) throw new RuntimeError('containerlab.not-running', `node ${n} is not running, so its links cannot be recreated`, { hint: `start it first, or see docker logs ${this.container(n)}` });
      return String(p);
    };
    for (const v of plan.veths) {
      const mtu = v.mtu === undefined ? [] : ['mtu', String(v.mtu)];
      const a = ['link', 'add', v.a.interface, 'netns', await pid(v.a.node), ...mtu, 'type', 'veth', 'peer', 'name'];
      if ('node' in v.b) {
        // The old pair may outlive the stopped container's namespace for a while (namespaces are
        // torn down asynchronously): remove the neighbour's end, which removes both.
        await this.exec(v.b.node, ['ip', 'link', 'del', 'dev', v.b.interface], opts);
        await this.host(['ip', ...a, v.b.interface, 'netns', await pid(v.b.node), ...mtu], opts);
      } else {
        await execa('ip', ['link', 'del', 'dev', v.b.port], { reject: false });
        await this.host(['ip', ...a, v.b.port, ...mtu], opts);
        await this.host(['ip', 'link', 'set', v.b.port, 'master', v.b.bridge, 'up'], opts);
      }
    }
    for (const [n, cmds] of plan.commands) {
      // A stopped LAN member has nothing stale: its restart brings a fresh namespace.
      if (n !== node && !(await this.docker.pid(this.container(n)))) continue;
      for (const argv of cmds) {
        if (argv.includes('route')) continue;
        await this.must(n, argv, opts);
      }
      await this.restoreRoutes(n, opts);
    }
  }

  async bgpSessions(node: string, opts: CallOptions = {}): Promise<SessionObservation[]> {
    return this.observer(node).sessions(await this.observeContext(node, opts));
  }

  async bgpRoutes(node: string, prefix: string | undefined, opts: CallOptions = {}): Promise<RouteObservation[]> {
    return this.observer(node).routes(await this.observeContext(node, opts), prefix);
  }

  async dnsQuery(from: string, q: DnsQuery, opts: CallOptions = {}): Promise<DnsObservation> {
    const t0 = Date.now();
    const argv = ['dig', '+time=2', '+tries=1', '+noall', '+comments', '+answer', ...(q.server ? [`@${q.server}`] : []), '-c', q.class ?? 'IN', '-t', q.type, q.name];
    const r = await this.exec(from, argv, opts);
    return { ...parseDig(r.stdout), elapsedMs: Date.now() - t0 };
  }

  async reach(from: string, q: ReachQuery, opts: CallOptions = {}): Promise<ReachObservation> {
    if (q.protocol === 'icmp') {
      const r = await this.exec(from, ['ping', '-c', String(q.count ?? 3), '-i', '0.2', '-W', '1', '-n', q.to], opts);
      const loss = /(\d+(?:\.\d+)?)% packet loss/.exec(r.stdout)?.[1];
      const rtt = /= [\d.]+\/([\d.]+)\//.exec(r.stdout)?.[1];
      const detail = loss !== undefined ? `${loss}% loss${rtt ? `, avg rtt ${rtt} ms` : ''}` : (r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.exitCode}`;
      return { reachable: r.exitCode === 0, detail, ...(rtt ? { rttMs: Number(rtt) } : {}) };
    }
    const host = q.to.includes(':') ? `[${q.to}]` : q.to;
    const r = await this.exec(from, ['timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${q.to}/${q.port}`], opts);
    return { reachable: r.exitCode === 0, detail: r.exitCode === 0 ? `connected to ${host}:${q.port}` : r.exitCode === 124 || r.exitCode === 143 ? `no answer from ${host}:${q.port} within 3s` : r.stderr.trim() || `exit ${r.exitCode}` };
  }

  now(): number {
    return Date.now() - this.started;
  }

  sleep(ms: number, opts: CallOptions = {}): Promise<void> {
    return sleep(ms, opts.signal);
  }

  /** The containerlab executable, or a typed error saying how to get it. */
  async containerlab(): Promise<string> {
    const candidates = this.binary ? [this.binary] : (process.env.PATH ?? '').split(':').filter(Boolean).map((d) => `${d}/containerlab`);
    for (const c of candidates) if (existsSync(c)) return c;
    throw new ContainerlabMissingError(this.binary ? `${CONTAINERLAB_ENV}=${this.binary} does not exist` : 'not on PATH');
  }

  private async inspect(opts: CallOptions): Promise<ClabContainer[]> {
    const lab = this.requireLab();
    const labDir = (await this.readState(lab.name))?.labDir ?? this.labDirOf(lab.name);
    if (!existsSync(`${labDir}/clab.yml`)) return [];
    const r = await this.run(await this.containerlab(), ['inspect', '-t', `${labDir}/clab.yml`, '--format', 'json'], opts, 60_000);
    if (r.exitCode !== 0) {
      if (/no containers found/i.test(r.stderr + r.stdout)) return [];
      throw new RuntimeError('containerlab.inspect', `containerlab inspect failed: ${lastLines(r.stderr || r.stdout)}`, { hint: 'is the Docker engine running?' });
    }
    return parseInspect(r.stdout, lab.name);
  }

  /**
   * Every node image present; flatlab's own -local images are built from the host when missing,
   * and rebuilt when the host files they come from changed since (a new flatlab build, an
   * upgraded package: the image's stamp label differs).
   */
  private async ensureImages(lab: Lab, opts: CallOptions): Promise<void> {
    const topo = containerlabTopology(lab, nodeConfigFiles(lab));
    const images = [...new Set(Object.values(topo.topology.nodes).map((n) => n.image).filter((i): i is string => !!i))].sort();
    const root = projectRoot();
    const missing = [];
    const stale = new Map<string, string>();
    for (const image of images) {
      if (!(await this.docker.hasImage(image))) missing.push(image);
      else if (this.buildImages) {
        const recipe = recipeFor(image, root);
        const stamp = recipe && (await recipeStamp(recipe));
        if (stamp && (await imageStamp(image)) !== stamp) stale.set(image, stamp);
      }
    }
    const unbuildable = missing.filter((i) => !this.buildImages || !recipeFor(i, root));
    if (unbuildable.length) throw new ImageMissingError(unbuildable);
    for (const image of [...missing, ...stale.keys()]) {
      const stamp = stale.get(image);
      const why = stamp ? 'was built from other host files (an older flatlab build or package)' : 'is missing';
      this.log(`image ${image} ${why}: building it from this host's packages`);
      await buildImage(recipeFor(image, root)!, { log: this.log, ...(stamp ? { stamp } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    }
  }

  /** Every BGP daemon answers its control interface before `up` returns. */
  private async waitReady(opts: CallOptions): Promise<void> {
    const lab = this.requireLab();
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (const node of lab.nodes.filter((n) => bgpObservers[n.kind] && OBSERVABLE_KINDS.includes(n.kind))) {
      for (;;) {
        const problem = await this.observer(node.name).sessions(await this.observeContext(node.name, opts)).then(() => undefined, (err: Error) => err.message);
        if (!problem) break;
        if (Date.now() > deadline) throw new RuntimeError('containerlab.not-ready', `${node.name} (${node.kind}) did not become ready within ${READY_TIMEOUT_MS / 1000} s: ${problem}`, { hint: `see docker logs ${this.container(node.name)}` });
        await sleep(250, opts.signal);
      }
    }
  }

  private async kickSessions(opts: CallOptions): Promise<void> {
    for (const node of this.requireLab().nodes) {
      const kick = SESSION_KICKS[node.kind];
      if (!kick) continue;
      const r = await this.exec(node.name, kick, opts);
      if (r.exitCode !== 0) this.log(`${node.name}: ${kick.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
    }
  }

  private observer(node: string): BgpObserver {
    const kind = this.requireLab().nodes.find((n) => n.name === node)?.kind ?? '?';
    const o = bgpObservers[kind];
    if (!o || !OBSERVABLE_KINDS.includes(kind)) {
      throw new RuntimeError('containerlab.observe', `observing BGP on ${node} (kind ${kind}) is not implemented on containerlab yet`, { hint: `observable kinds: ${OBSERVABLE_KINDS.join(', ')}; the sim runtime observes every BGP node` });
    }
    return o;
  }

  private async observeContext(node: string, opts: CallOptions): Promise<ObserveContext> {
    const lab = this.requireLab();
    const n = lab.nodes.find((x) => x.name === node)!;
    const runDir = n.kind === 'flatlab-bgpd' ? await this.bgpdRelay(lab).runDirFor(node) : CONTAINER_RUN_DIRS[n.kind] ?? '/run';
    return { lab, node: n, runDir, exec: (argv) => this.exec(node, argv, opts) };
  }

  private bgpdRelay(lab: Lab): BgpdRelay {
    this.relay ??= new BgpdRelay(`${this.runRoot}/${lab.name}/relay`, (node, argv) => this.exec(node, argv));
    return this.relay;
  }

  private container(node: string): string {
    const lab = this.requireLab();
    if (!lab.nodes.some((n) => n.name === node)) throw new RuntimeError('containerlab.unknown-node', `no node "${node}" in lab ${lab.name}`, { hint: `nodes: ${lab.nodes.map((n) => n.name).join(', ')}` });
    return `${containerPrefix(lab.name)}${node}`;
  }

  private requireLab(): Lab {
    if (!this.lab) throw new RuntimeError('containerlab.not-up', 'the lab is not up', { hint: 'run the up step first' });
    return this.lab;
  }

  private async must(node: string, argv: string[], opts: CallOptions): Promise<void> {
    const r = await this.exec(node, argv, opts);
    if (r.exitCode !== 0) throw new RuntimeError('containerlab.command', `${argv.join(' ')} on ${node} failed: ${(r.stderr || r.stdout).trim() || `exit ${r.exitCode}`}`, { hint: 'check the node image has iproute2 (flatlab\'s -local images do)' });
  }

  private async host(argv: string[], opts: CallOptions): Promise<void> {
    const r = await this.run(argv[0]!, argv.slice(1), opts, 30_000);
    if (r.exitCode !== 0) throw new RuntimeError('containerlab.host-command', `${argv.join(' ')} failed: ${lastLines(r.stderr)}`, { hint: 'the containerlab runtime needs root for host links and bridges' });
  }

  /**
   * Run a command; an abort stops its whole process group (containerlab's own children, e.g.
   * a docker CLI half-way through creating a container), not only the command itself.
   */
  private async run(file: string, args: string[], opts: CallOptions, timeout: number): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    opts.signal?.throwIfAborted();
    const child = execa(file, args, { reject: false, timeout, stdin: 'ignore', detached: true, cleanup: true });
    const onAbort = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const r = await child.finally(() => opts.signal?.removeEventListener('abort', onAbort));
    if (opts.signal?.aborted) throw opts.signal.reason;
    return { exitCode: r.exitCode ?? 127, stdout: String(r.stdout ?? ''), stderr: r.exitCode === undefined ? (r.shortMessage ?? '') : String(r.stderr ?? '') };
  }

  private async readState(lab: string): Promise<ClabState | undefined> {
    try {
      return JSON.parse(await readFile(this.stateFile(lab), 'utf8')) as ClabState;
    } catch {
      return undefined;
    }
  }

  private async writeState(state: ClabState): Promise<void> {
    await mkdir(`${this.runRoot}/${state.lab}`, { recursive: true });
    await writeFileAtomically(this.stateFile(state.lab), `${JSON.stringify(state, null, 2)}\n`);
  }
}

/** The iptables rule that lets frames between the ports of a LAN bridge pass. */
function forwardRule(bridge: string): string[] {
  return ['-i', bridge, '-o', bridge, '-j', 'ACCEPT', '-m', 'comment', '--comment', `flatlab LAN ${bridge}`];
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ') || 'no output';
}

/** The flatlab installation this module belongs to (src/ or dist/ alike): the flatlab image copies it. */
function projectRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
}
