/**
 * flatlab bgpd is observed through its control API. The netns observer asks a unix socket in
 * the node's run directory (`<runDir>/bgpd.sock`); in a container the API listens on the
 * container's own loopback (bgpd.yml `control.http`), which the host cannot reach. The relay
 * is a host unix socket per node whose every GET is repeated inside the container (busybox
 * wget) and answered with what came back, so one observer serves both runtimes. A request that cannot be repeated closes the connection, which the
 * observer reports as "cannot reach flatlab bgpd".
 */
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { BGPD_CONTROL_ADDRESS } from '../../emit/bgpd.js';
import type { ExecResult } from '../runtime.js';


export class BgpdRelay {
  private readonly servers = new Map<string, Server>();

  constructor(
    private readonly dir: string,
    private readonly exec: (node: string, argv: readonly string[]) => Promise<ExecResult>,
  ) {}

  /** The run directory to give the observer for `node`: its relay socket is `<dir>/bgpd.sock`. */
  async runDirFor(node: string): Promise<string> {
    const runDir = `${this.dir}/${node}`;
    if (this.servers.has(node)) return runDir;
    await mkdir(runDir, { recursive: true });
    const socket = `${runDir}/bgpd.sock`;
    await rm(socket, { force: true });
    const server = createServer((req, res) => {
      // busybox wget (in every flatlab image): starts in milliseconds where a Node process would
      // take a second or more on a loaded host. It fails on any status but 200, so only those pass.
      void this.exec(node, ['wget', '-q', '-O', '-', `http://${BGPD_CONTROL_ADDRESS}${req.url ?? '/'}`]).then(
        (r) => {
          if (r.exitCode !== 0) return req.socket.destroy();
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(r.stdout);
        },
        () => req.socket.destroy(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve());
    });
    // A relay never keeps a flatlab command alive on its own.
    server.unref();
    this.servers.set(node, server);
    return runDir;
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.clear();
  }
}
