#!/usr/bin/env node
/**
 * Builds the native addons with node-gyp against the local Node headers:
 *   native/tcp-md5    TCP MD5 signatures for flatlab bgpd (Node has no setsockopt)
 *   native/udp-batch  batched UDP (recvmmsg/sendmmsg, SO_REUSEPORT) for the DNS engine
 * Run by `npm ci` / `npm install` (the package's install script) and by `npm run build:native`.
 * A failed build does not fail the install: flatlab works without them (a bgpd peer with
 * md5-password is then refused with the reason; the DNS engine falls back to Node's dgram).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Each addon and what is missing without it. */
const addons = [
  { dir: 'tcp-md5', without: 'TCP MD5 (md5-password in bgpd.yml) will be unavailable' },
  { dir: 'udp-batch', without: 'the DNS servers will use Node dgram sockets (slower; no SO_REUSEPORT on Node 20)' },
];

if (process.platform !== 'linux') {
  console.error('flatlab: skipping the native addons (Linux only: TCP_MD5SIG, recvmmsg/sendmmsg)');
  process.exit(0);
}

/** npm tells lifecycle scripts where its node-gyp is; otherwise look beside npm itself. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  return candidates.find((c) => c && existsSync(c));
}

const gyp = nodeGyp();
if (!gyp) {
  for (const a of addons) console.error(`flatlab: warning: node-gyp not found; ${a.without}`);
  process.exit(0);
}
// Node's own headers (beside the binary, as Debian and the official tarballs ship them): node-gyp must not download any.
const besideNode = join(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (existsSync(join(besideNode, 'include', 'node', 'node_api.h')) ? besideNode : undefined);
if (!nodedir) {
  for (const a of addons) console.error(`flatlab: warning: no Node headers (include/node/node_api.h) beside node; ${a.without}`);
  process.exit(0);
}
for (const a of addons) {
  const r = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', join(root, 'native', a.dir), `--nodedir=${nodedir}`, '--loglevel', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) console.error(`flatlab: warning: building native/${a.dir} failed (exit ${r.status ?? r.signal}); ${a.without}`);
}
process.exit(0);
