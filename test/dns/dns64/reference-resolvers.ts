/**
 * Unbound (module-config "dns64 iterator") and BIND named (a `dns64` option) as reference
 * DNS64 resolvers on loopback ports, each forwarding the test zones to one upstream. Used by
 * test/interop/dns64-compare.test.ts and bench/dns64.ts. Only the PIDs started here are
 * signalled; every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ReferenceOptions {
  dir: string;
  port: number;
  upstreamPort: number;
  /** Zones (origins) forwarded to the upstream. */
  zones: readonly string[];
  prefix: string;
  /** IPv4 ranges never synthesized (BIND `mapped { !r; …; any; }`; Unbound has no such option). */
  excludeIpv4?: readonly string[];
  /** IPv6 ranges whose AAAA count as absent (BIND `exclude`; Unbound has no such option). */
  excludeAaaa?: readonly string[];
  /** Worker threads: named `-n`, Unbound `num-threads` (default 1). */
  threads?: number;
}

export interface RunningReference {
  name: 'unbound' | 'named';
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** A loopback port free right now (TCP and UDP share the number in every resolver here). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function run(name: RunningReference['name'], port: number, argv: string[]): RunningReference {
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    name,
    port,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function unboundConfig(o: ReferenceOptions): string {
  const lines = [
    'server:',
    `  interface: 127.0.0.1@${o.port}`,
    '  do-daemonize: no',
    '  username: ""',
    '  chroot: ""',
    `  directory: "${o.dir}"`,
    '  pidfile: ""',
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 0',
    `  num-threads: ${o.threads ?? 1}`,
    '  module-config: "dns64 iterator"',
    `  dns64-prefix: ${o.prefix}`,
    '  do-not-query-localhost: no',
    '  access-control: 127.0.0.0/8 allow',
    '  qname-minimisation: no',
    '  msg-cache-size: 64m',
    '  rrset-cache-size: 64m',
    // The test zones use TEST-NET-1 reverse space, one of Unbound's default local zones.
    '  local-zone: "2.0.192.in-addr.arpa." nodefault',
  ];
  for (const z of o.zones) lines.push('forward-zone:', `  name: "${z}."`, `  forward-addr: 127.0.0.1@${o.upstreamPort}`);
  return `${lines.join('\n')}\n`;
}

export function namedConfig(o: ReferenceOptions): string {
  const mapped = o.excludeIpv4?.length ? `mapped { ${o.excludeIpv4.map((r) => `!${r}; `).join('')}any; }; ` : '';
  const exclude = o.excludeAaaa?.length ? `exclude { ${[...o.excludeAaaa, '::ffff:0:0/96'].map((r) => `${r}; `).join('')}}; ` : '';
  return `options {
  directory "${o.dir}";
  listen-on port ${o.port} { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file none;
  recursion yes;
  allow-query { any; };
  allow-recursion { any; };
  dnssec-validation no;
  qname-minimization off;
  // The test zones use TEST-NET-1 reverse space, one of BIND's automatic empty zones.
  disable-empty-zone "2.0.192.IN-ADDR.ARPA";
  dns64 ${o.prefix} { ${mapped}${exclude}};
};
${o.zones.map((z) => `zone "${z}" { type forward; forward only; forwarders { 127.0.0.1 port ${o.upstreamPort}; }; };`).join('\n')}
`;
}

export function startUnbound(o: ReferenceOptions): RunningReference {
  mkdirSync(o.dir, { recursive: true });
  const conf = join(o.dir, 'unbound.conf');
  writeFileSync(conf, unboundConfig(o));
  return run('unbound', o.port, ['unbound', '-d', '-c', conf]);
}

export function startNamed(o: ReferenceOptions): RunningReference {
  mkdirSync(o.dir, { recursive: true });
  const conf = join(o.dir, 'named.conf');
  writeFileSync(conf, namedConfig(o));
  return run('named', o.port, ['named', '-g', '-c', conf, '-n', String(o.threads ?? 1)]);
}
