#!/usr/bin/env node
/**
 * Builds native/tcp-md5 (the TCP MD5 signature addon for flatlab bgpd) with node-gyp against
 * the local Node headers. Run by `npm ci` / `npm install` (the package's install script) and
 * by `npm run build:native`. A failed build does not fail the install: flatlab works without
 * it, and a bgpd peer with md5-password is then refused with the reason printed here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native', 'tcp-md5');

if (process.platform !== 'linux') {
  console.error('flatlab: skipping native/tcp-md5 (TCP_MD5SIG is Linux only)');
  process.exit(0);
}

/** npm tells lifecycle scripts where its node-gyp is; otherwise look beside npm itself. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  return candidates.find((c) => c && existsSync(c));
}

const gyp = nodeGyp();
if (!gyp) {
  console.error('flatlab: warning: node-gyp not found; TCP MD5 (md5-password in bgpd.yml) will be unavailable');
  process.exit(0);
}
// Node's own headers (beside the binary, as Debian and the official tarballs ship them): node-gyp must not download any.
const besideNode = join(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (existsSync(join(besideNode, 'include', 'node', 'node_api.h')) ? besideNode : undefined);
if (!nodedir) {
  console.error('flatlab: warning: no Node headers (include/node/node_api.h) beside node; TCP MD5 (md5-password in bgpd.yml) will be unavailable');
  process.exit(0);
}
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', dir, `--nodedir=${nodedir}`, '--loglevel', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) {
  console.error(`flatlab: warning: building native/tcp-md5 failed (exit ${r.status ?? r.signal}); TCP MD5 (md5-password in bgpd.yml) will be unavailable`);
}
process.exit(0);
