/**
 * A scriptable Runtime for scenario tests: a virtual clock, and observations computed from
 * state the test controls (`routes`, `sessions`, …) or from functions of time. Records every
 * call so tests can assert what the runner did.
 */
import type {
  DnsObservation, DnsQuery, ExecResult, LabStatus, LinkRef, ReachObservation, ReachQuery, RouteObservation, Runtime,
  RuntimeCapability, RuntimeName, SessionObservation,
} from '../../src/runtime/runtime.js';
import type { Lab, Netem } from '../../src/topology/lab.js';

export class FakeRuntime implements Runtime {
  readonly name: RuntimeName;
  readonly capabilities: ReadonlySet<RuntimeCapability>;
  clock = 0;
  calls: string[] = [];
  up_ = false;
  routes: (node: string, now: number) => RouteObservation[] = () => [];
  sessions: (node: string, now: number) => SessionObservation[] = () => [];
  dns: (from: string, q: DnsQuery, now: number) => DnsObservation = () => ({ rcode: 'NOERROR', answers: [], elapsedMs: 1 });
  reachable: (from: string, q: ReachQuery, now: number) => boolean = () => true;
  execResult: ExecResult = { exitCode: 0, stdout: '', stderr: '' };
  failOn?: string;

  constructor(name: RuntimeName = 'sim', caps: RuntimeCapability[] = ['bgp', 'dns', 'link-state', 'netem', 'node-control']) {
    this.name = name;
    this.capabilities = new Set(caps);
  }

  private record(call: string): void {
    this.calls.push(call);
    if (this.failOn && call.startsWith(this.failOn)) throw new Error(`injected failure in ${call}`);
  }

  async up(lab: Lab): Promise<void> { this.record(`up ${lab.name}`); this.up_ = true; }
  async attach(): Promise<boolean> { return this.up_; }
  async down(): Promise<void> { this.record('down'); this.up_ = false; }
  async status(): Promise<LabStatus> { return { lab: 'x', runtime: this.name, nodes: [] }; }
  async exec(node: string, argv: readonly string[]): Promise<ExecResult> { this.record(`exec ${node} ${argv.join(' ')}`); return this.execResult; }
  async setLinkState(link: LinkRef, state: 'up' | 'down'): Promise<void> { this.record(`link ${link.index} ${state}`); }
  async setNetem(link: LinkRef, netem: Netem | undefined): Promise<void> { this.record(`netem ${link.index} ${JSON.stringify(netem ?? null)}`); }
  async stopNode(node: string): Promise<void> { this.record(`stop ${node}`); }
  async startNode(node: string): Promise<void> { this.record(`start ${node}`); }
  async bgpSessions(node: string): Promise<SessionObservation[]> { this.record(`sessions ${node}`); return this.sessions(node, this.clock); }
  async bgpRoutes(node: string): Promise<RouteObservation[]> { this.record(`routes ${node}`); return this.routes(node, this.clock); }
  async dnsQuery(from: string, q: DnsQuery): Promise<DnsObservation> { this.record(`dns ${from} ${q.name} ${q.type}`); return this.dns(from, q, this.clock); }
  async reach(from: string, q: ReachQuery): Promise<ReachObservation> {
    this.record(`reach ${from} ${q.to}`);
    const ok = this.reachable(from, q, this.clock);
    return { reachable: ok, detail: ok ? '0% loss' : '100% loss' };
  }
  now(): number { return this.clock; }
  async sleep(ms: number): Promise<void> { this.clock += ms; }
}
