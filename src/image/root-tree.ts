/**
 * What goes into the FlatRacoon OS root and initramfs, as FileTrees: busybox and its applet
 * links, the guest scripts, the services, and files copied from host packages. Pure: the host
 * files arrive as data from build.ts.
 */
import { bootStateShell } from './boot-state-shell.js';
import { FileTree } from './file-tree.js';
import { consoleLoop, healthHttp, healthHttpCheck, healthHttpRun, inittab, rcSysinit, supervisor, updater } from './guest-system.js';
import { initramfsInit } from './initramfs-init.js';

export interface ServiceDefinition {
  name: string;
  run: string;
  check?: string;
  /** Enabled when the kernel command line names no services. */
  enabledByDefault: boolean;
}

/** A file taken from the host (package contents, libraries), already read. */
export type HostEntry = { path: string } & ({ type: 'dir'; mode: number } | { type: 'file'; mode: number; content: Uint8Array } | { type: 'symlink'; target: string });

const servicePattern = /^[a-z][a-z0-9-]{0,30}$/;

export function isValidServiceName(name: string): boolean {
  return servicePattern.test(name);
}

export const healthHttpService: ServiceDefinition = { name: 'health-http', run: healthHttpRun, check: healthHttpCheck, enabledByDefault: true };

/** BIRD as a service: the lab's bird.conf from the config drive, else a minimal one. */
export const birdService: ServiceDefinition = {
  name: 'bird',
  run: `#!/bin/sh
c=/run/flatlab-config/bird.conf
[ -r "$c" ] || c=/etc/flatracoon/bird.conf
mkdir -p /run/bird
exec bird -f -s /run/bird/bird.ctl -c "$c"
`,
  check: `#!/bin/sh
birdc -s /run/bird/bird.ctl show status | grep -q 'Daemon is up and running'
`,
  enabledByDefault: true,
};

const minimalBirdConf = `# FlatRacoon OS default BIRD configuration, used when no lab config drive provides bird.conf.
log stderr all;
router id 192.0.2.1;
protocol device {
}
`;

/** A service from `--service NAME=COMMAND`: the command run under sh, no health check beyond staying up. */
export function commandService(name: string, command: string): ServiceDefinition {
  return { name, run: `#!/bin/sh\nexec sh -c '${command.replace(/'/g, `'\\''`)}'\n`, enabledByDefault: true };
}

function addBusybox(tree: FileTree, busybox: Uint8Array, applets: readonly string[], dir: string): void {
  tree.file(`${dir}/busybox`, busybox, 0o755);
  for (const a of applets) if (a !== 'busybox' && !tree.has(`${dir}/${a}`)) tree.symlink(`${dir}/${a}`, 'busybox');
}

export interface RootInputs {
  version: string;
  busybox: Uint8Array;
  applets: readonly string[];
  hostEntries: readonly HostEntry[];
  services: readonly ServiceDefinition[];
  packages: readonly string[];
}

export function rootTree(inp: RootInputs): FileTree {
  const t = new FileTree();
  for (const d of ['proc', 'sys', 'dev', 'run', 'tmp', 'var', 'mnt', 'root', 'usr/bin', 'usr/sbin', 'sbin']) t.dir(d);
  t.dir('tmp', 0o1777);
  t.dir('root', 0o700);
  // Package files first, so a package that ships a real binary wins over a busybox applet link.
  for (const e of inp.hostEntries) {
    if (e.type === 'dir') t.dir(e.path, e.mode);
    else if (e.type === 'file') t.file(e.path, e.content, e.mode);
    else t.symlink(e.path, e.target);
  }
  addBusybox(t, inp.busybox, inp.applets, 'bin');
  t.symlink('sbin/init', '../bin/busybox');
  t.file('etc/inittab', inittab);
  t.file('etc/flatracoon/rc.sysinit', rcSysinit, 0o755);
  t.file('etc/flatracoon/version', `${inp.version}\n`);
  t.file('etc/flatracoon/packages', inp.packages.map((p) => `${p}\n`).join(''));
  t.file('etc/flatracoon/bird.conf', minimalBirdConf);
  t.file('etc/os-release', `NAME="FlatRacoon OS"\nID=flatracoon\nVERSION_ID=${inp.version}\nPRETTY_NAME="FlatRacoon OS ${inp.version}"\n`);
  t.file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  t.file('etc/group', 'root:x:0:\nnogroup:x:65534:\n');
  t.file('etc/hostname', 'flatracoon\n');
  t.file('etc/hosts', '127.0.0.1 localhost\n::1 localhost\n');
  t.file('etc/profile', 'export PATH=/bin:/sbin:/usr/bin:/usr/sbin\nexport PS1="\\h# "\n');
  t.file('lib/flatracoon/bootstate.sh', bootStateShell);
  t.file('sbin/flatracoon-supervisor', supervisor, 0o755);
  t.file('sbin/flatracoon-http', healthHttp, 0o755);
  t.file('sbin/flatracoon-console', consoleLoop, 0o755);
  t.file('sbin/flatracoon-update', updater, 0o755);
  for (const s of inp.services) {
    const dir = `etc/flatracoon/services.d/${s.name}`;
    t.file(`${dir}/run`, s.run, 0o755);
    if (s.check) t.file(`${dir}/check`, s.check, 0o755);
    if (s.enabledByDefault) t.file(`${dir}/default`, '');
  }
  return t;
}

export interface InitramfsInputs {
  busybox: Uint8Array;
  applets: readonly string[];
  /** Module files in load order, paths relative to /lib/modules/<version>. */
  modules: readonly { path: string; content: Uint8Array }[];
  /** Host programs with their libraries (dmsetup). */
  programs?: readonly HostEntry[];
}

export function initramfsTree(inp: InitramfsInputs): FileTree {
  const t = new FileTree();
  for (const d of ['proc', 'sys', 'dev', 'tmp', 'newroot', 'sbin']) t.dir(d);
  t.chardev('dev/console', 5, 1, 0o600);
  for (const e of inp.programs ?? []) {
    if (e.type === 'dir') t.dir(e.path, e.mode);
    else if (e.type === 'file') t.file(e.path, e.content, e.mode);
    else t.symlink(e.path, e.target);
  }
  addBusybox(t, inp.busybox, inp.applets, 'bin');
  t.file('init', initramfsInit, 0o755);
  t.file('lib/flatracoon/bootstate.sh', bootStateShell);
  for (const m of inp.modules) t.file(`lib/modules/${m.path}`, m.content);
  t.file('lib/modules/load.order', inp.modules.map((m) => `${m.path}\n`).join(''));
  return t;
}
