import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { controlSocket, flatlabBgpdObserver } from '../../../../src/runtime/netns/observers/flatlab-bgpd.js';
import type { ObserveContext } from '../../../../src/runtime/netns/observers/observer.js';
import type { Lab } from '../../../../src/topology/lab.js';

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

/** A bgpd control socket answering /neighbors and /rib with fixed JSON, as bgpd's control API does. */
async function fakeBgpd(answers: Record<string, unknown>): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'fl-bgpd-obs-'));
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answers[path] ?? []));
  });
  await new Promise<void>((r) => server!.listen(controlSocket(dir!), () => r()));
  return dir;
}

const lab = {
  sessions: [
    { a: { node: 't2', address: '10.0.0.1' }, b: { node: 'b1', address: '10.0.0.2' } },
    { a: { node: 't2', address: 'fd00:1::1' }, b: { node: 'b1', address: 'fd00:1::2' } },
  ],
} as unknown as Lab;

describe('flatlab bgpd observer', () => {
  it('names the lab node a route came from when bgpd.yml calls the peer <node>-<family>', async () => {
    const runDir = await fakeBgpd({
      '/neighbors': [
        { name: 'b1-ipv4', address: '10.0.0.2', remoteAs: 65001, state: 'Established', uptime: 5, prefixes: { received: 1, accepted: 1 } },
        { name: 'b1-ipv6', address: 'fd00:1::2', remoteAs: 65001, state: 'Established', uptime: 5, prefixes: { received: 1, accepted: 1 } },
      ],
      '/rib': [
        { prefix: '203.0.113.0/24', from: 'b1-ipv4', asPath: [65001], nextHop: '10.0.0.2', communities: [], largeCommunities: [] },
        { prefix: '2001:db8::/32', from: 'b1-ipv6', asPath: [65001], nextHop: 'fd00:1::2', communities: [], largeCommunities: [] },
        { prefix: '192.0.2.0/24', from: '(local)', asPath: [], nextHop: '0.0.0.0', communities: [], largeCommunities: [] },
      ],
    });
    const ctx = { lab, node: { name: 't2' }, runDir } as unknown as ObserveContext;
    const routes = await flatlabBgpdObserver.routes(ctx, undefined);
    expect(routes.map((r) => [r.prefix, r.from])).toEqual([
      ['203.0.113.0/24', 'b1'],
      ['2001:db8::/32', 'b1'],
      ['192.0.2.0/24', 'local'],
    ]);
  });
});
