#!/usr/bin/env node
/**
 * A stand-in for the `containerlab` CLI (containerlab cannot be installed on the machines the
 * tests run on): `deploy`, `destroy [--cleanup]` and `inspect --format json` for `linux`-kind
 * nodes (and `bridge` nodes: host bridges made beforehand), on the real Docker engine, so the containerlab runtime's execa and dockerode paths run
 * for real. What it does follows containerlab's documented behaviour for linux nodes:
 * containers named `clab-<lab>-<node>` with the `containerlab=<lab>` label, the
 * node's image, cmd (split like a shell would), env, binds relative to the topology file,
 * sysctls and labels; a veth pair per link created straight inside both containers' network
 * namespaces; `exec:` lines run after every link exists (containers are created, and each node's
 * exec lines run, side by side across nodes, as containerlab does). Differences, on purpose: no
 * management network (containers run with network mode none, so a lab has only its own
 * links), network capabilities instead of --privileged (see NODE_CAPS), and a failed exec
 * line fails the deploy instead of being logged.
 * `inspect --format json` prints containerlab's current JSON shape: an object keyed by lab name.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

function fail(message, code = 1) {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(code);
}

function run(cmd, args, { allowFail = false } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) fail(`${cmd} ${args.slice(0, 4).join(' ')} …: ${(r.stderr || r.stdout).trim()}`);
  return r;
}

/** `run` without blocking, so nodes are created and configured side by side (as containerlab does). */
function runAsync(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', (err) => resolve({ status: 127, stdout, stderr: `${cmd}: ${err.message}` }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** containerlab splits cmd and exec lines shell-style (quotes and backslashes, no expansion). */
export function shellSplit(text) {
  const out = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail(`unterminated quote in: ${text}`);
      cur += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      i++;
      for (; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) i++;
        cur += text[i];
      }
      if (i >= text.length) fail(`unterminated quote in: ${text}`);
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

function parseArgs(argv) {
  const opts = { topo: undefined, format: 'table', cleanup: false, reconfigure: false, command: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-t' || a === '--topo') opts.topo = argv[++i];
    else if (a.startsWith('--topo=')) opts.topo = a.slice(7);
    else if (a === '-f' || a === '--format') opts.format = argv[++i];
    else if (a.startsWith('--format=')) opts.format = a.slice(9);
    else if (a === '--cleanup' || a === '-c') opts.cleanup = true;
    else if (a === '--reconfigure') opts.reconfigure = true;
    else if (a === 'version' || a === '--version') opts.command = 'version';
    else if (!opts.command && ['deploy', 'destroy', 'inspect'].includes(a)) opts.command = a;
    else fail(`unknown argument "${a}" (this stand-in implements deploy, destroy, inspect)`, 2);
  }
  return opts;
}

function loadTopology(file) {
  if (!file) fail('a topology file is required (-t FILE)', 2);
  const path = resolve(file);
  if (!existsSync(path)) fail(`topology file ${path} does not exist`);
  const doc = parse(readFileSync(path, 'utf8'));
  if (!doc?.name) fail(`${path}: no lab name`);
  return { path, dir: dirname(path), doc };
}

/**
 * containerlab runs nodes privileged; a privileged container asks for every capability, which
 * fails where dockerd itself lacks one (CAP_SYS_RESOURCE in some CI sandboxes). These are the
 * ones linux nodes use: addresses, routes, tc and raw sockets, namespaces.
 */
const NODE_CAPS = ['--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW', '--cap-add', 'SYS_ADMIN'];

const containerName = (lab, node) => `clab-${lab}-${node}`;

function labContainers(lab) {
  const ids = run('docker', ['ps', '-aq', '--filter', `label=containerlab=${lab}`]).stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  return JSON.parse(run('docker', ['inspect', ...ids]).stdout);
}

async function deploy(opts) {
  const { path, dir, doc } = loadTopology(opts.topo);
  const lab = doc.name;
  const nodes = Object.entries(doc.topology?.nodes ?? {});
  const kindOf = (n) => n.kind ?? doc.topology?.defaults?.kind;
  for (const [name, n] of nodes) {
    if (!['linux', 'bridge'].includes(kindOf(n))) fail(`node ${name}: kind ${kindOf(n)} is not supported by this stand-in (linux, bridge)`);
    // As containerlab: a bridge node is a Linux bridge the user created on the host beforehand.
    if (kindOf(n) === 'bridge' && run('ip', ['link', 'show', name], { allowFail: true }).status !== 0) fail(`bridge ${name} does not exist on the host; create it before deploying`);
  }
  const bridges = new Set(nodes.filter(([, n]) => kindOf(n) === 'bridge').map(([name]) => name));
  if (labContainers(lab).length) {
    if (!opts.reconfigure) fail(`the '${lab}' lab has already been deployed. Destroy the lab before deploying a lab with the same name`);
    destroyLab(lab, dir, false);
  }
  mkdirSync(join(dir, `clab-${lab}`), { recursive: true });
  const pids = new Map();
  const runArgs = [];
  for (const [name, n] of nodes) {
    if (bridges.has(name)) continue;
    const args = ['run', '-d', '--name', containerName(lab, name), '--hostname', name, '--network', 'none', ...NODE_CAPS,
      '--label', `containerlab=${lab}`, '--label', `clab-node-name=${name}`, '--label', 'clab-node-kind=linux', '--label', `clab-topo-file=${path}`];
    for (const [k, v] of Object.entries(n.labels ?? {})) args.push('--label', `${k}=${v}`);
    for (const d of n.devices ?? []) args.push('--device', d);
    for (const c of n['cap-add'] ?? []) args.push('--cap-add', c);
    const mode = n['network-mode'];
    if (mode !== undefined) {
      // containerlab: `container:<node>` shares another node's namespace (that node must come first).
      const shared = /^container:(.+)$/.exec(mode)?.[1];
      if (mode !== 'none' && !shared) fail(`node ${name}: network-mode ${mode} is not supported by this stand-in (none, container:<node>)`);
      if (shared) {
        if (!nodes.some(([other]) => other === shared)) fail(`node ${name}: network-mode names unknown node ${shared}`);
        args[args.indexOf('--network') + 1] = `container:${containerName(lab, shared)}`;
      }
    }
    for (const [k, v] of Object.entries(n.env ?? {})) args.push('--env', `${k}=${v}`);
    // Docker turns IPv6 off in containers outside IPv6 networks; containerlab turns it back on.
    const sysctls = { 'net.ipv6.conf.all.disable_ipv6': '0', 'net.ipv6.conf.default.disable_ipv6': '0', ...n.sysctls };
    for (const [k, v] of Object.entries(sysctls)) args.push('--sysctl', `${k}=${v}`);
    for (const b of n.binds ?? []) {
      const [src, ...rest] = b.split(':');
      args.push('--volume', [isAbsolute(src) ? src : join(dir, src), ...rest].join(':'));
    }
    args.push(n.image ?? fail(`node ${name} has no image`), ...(n.cmd ? shellSplit(n.cmd) : []));
    runArgs.push({ name, args, after: /^container:(.+)$/.exec(mode ?? '')?.[1] });
  }
  // Side by side, except that a node sharing another's namespace waits for that one.
  const started = new Map();
  const create = (r) => {
    if (!started.has(r.name)) {
      started.set(r.name, (async () => {
        const first = r.after && runArgs.find((x) => x.name === r.after);
        if (first) await create(first);
        const res = await runAsync('docker', r.args);
        if (res.status !== 0) fail(`docker run ${r.name}: ${(res.stderr || res.stdout).trim()}`);
      })());
    }
    return started.get(r.name);
  };
  await Promise.all(runArgs.map(create));
  for (const [name] of nodes) {
    if (bridges.has(name)) continue;
    const [c] = JSON.parse(run('docker', ['inspect', containerName(lab, name)]).stdout);
    if (!c.State.Running) fail(`node ${name} exited right after start (exit ${c.State.ExitCode}); see docker logs ${containerName(lab, name)}`);
    pids.set(name, c.State.Pid);
  }
  for (const link of doc.topology?.links ?? []) {
    const [a, b] = link.endpoints.map((e) => e.split(':'));
    const mtu = link.mtu ? ['mtu', String(link.mtu)] : [];
    // A bridge end stays in the host namespace, enslaved to the bridge.
    const where = ([node]) => (bridges.has(node) ? [] : ['netns', String(pids.get(node))]);
    run('ip', ['link', 'add', a[1], ...where(a), ...mtu, 'type', 'veth', 'peer', 'name', b[1], ...where(b), ...mtu]);
    for (const [node, ifname] of [a, b]) {
      if (bridges.has(node)) run('ip', ['link', 'set', ifname, 'master', node, 'up']);
      else run('nsenter', ['-t', String(pids.get(node)), '-n', 'ip', 'link', 'set', ifname, 'up']);
    }
  }
  // Each node's lines in order; nodes side by side.
  await Promise.all(nodes.map(async ([name, n]) => {
    for (const line of n.exec ?? []) {
      const r = await runAsync('docker', ['exec', containerName(lab, name), ...shellSplit(line)]);
      if (r.status !== 0) fail(`node ${name}: exec "${line}" failed: ${(r.stderr || r.stdout).trim()}`);
    }
  }));
  if (opts.format === 'json') inspect(opts);
  else process.stdout.write(`deployed lab ${lab}: ${nodes.length} nodes, ${(doc.topology?.links ?? []).length} links\n`);
}

function destroyLab(lab, dir, cleanup) {
  const containers = labContainers(lab);
  if (containers.length) run('docker', ['rm', '-f', ...containers.map((c) => c.Id)]);
  if (cleanup) rmSync(join(dir, `clab-${lab}`), { recursive: true, force: true });
  return containers.length;
}

function destroy(opts) {
  const { dir, doc } = loadTopology(opts.topo);
  const n = destroyLab(doc.name, dir, opts.cleanup);
  process.stdout.write(`destroyed lab ${doc.name}: removed ${n} containers\n`);
}

function inspect(opts) {
  const { path, doc } = loadTopology(opts.topo);
  const lab = doc.name;
  const containers = labContainers(lab).sort((x, y) => (x.Name < y.Name ? -1 : 1));
  if (opts.format !== 'json') {
    for (const c of containers) process.stdout.write(`${c.Name.replace(/^\//, '')}\t${c.Config.Image}\t${c.State.Status}\n`);
    return;
  }
  const entries = containers.map((c) => ({
    lab_name: lab,
    labPath: path,
    absLabPath: path,
    name: c.Name.replace(/^\//, ''),
    container_id: c.Id.slice(0, 12),
    image: c.Config.Image,
    kind: c.Config.Labels?.['clab-node-kind'] ?? 'linux',
    state: c.State.Status,
    status: c.State.Running ? 'Up' : `Exited (${c.State.ExitCode})`,
    ipv4_address: 'N/A',
    ipv6_address: 'N/A',
    owner: 'root',
  }));
  process.stdout.write(`${JSON.stringify(entries.length ? { [lab]: entries } : {}, null, 2)}\n`);
}

const opts = parseArgs(process.argv.slice(2));
if (opts.command === 'version') process.stdout.write('containerlab stand-in (flatlab tests): deploy, destroy, inspect for linux nodes\n');
else if (opts.command === 'deploy') await deploy(opts);
else if (opts.command === 'destroy') destroy(opts);
else if (opts.command === 'inspect') inspect(opts);
else fail('usage: containerlab {deploy|destroy|inspect} -t FILE [--format json] [--cleanup]', 2);
