/**
 * What goes into each locally built node image, as data. No image registry is reachable from
 * the machines flatlab runs on, so images are assembled from the host's Debian packages: a
 * root filesystem holding busybox-static, the daemon's binaries with their shared-library
 * closure, and the tools every node needs (iproute2's ip and tc for addresses and netem,
 * iputils ping, bash for TCP reach checks, dig for DNS observations). The tags are the kinds'
 * default images (src/kinds/*.ts), so a generated clab.yml runs on them unchanged.
 */
import { exabgpKind } from '../../kinds/exabgp.js';

export interface GeneratedFile {
  /** Absolute path inside the image. */
  path: string;
  content: string;
  mode: number;
}

/** A host file or directory copied into the image. */
export interface ImageTree {
  from: string;
  to: string;
  /** Paths under `from` (relative, e.g. `config-3.11-x86_64-linux-gnu`) left out. */
  exclude?: string[];
  /**
   * Also copy the `ldd` closure of every shared object (`*.so`, `*.so.N`) in the tree: an
   * interpreter's extension modules (Python's lib-dynload) load libraries its binary does not link.
   */
  libraries?: boolean;
}

export interface ImageRecipe {
  /** Image name:tag, as the kinds name it. */
  tag: string;
  description: string;
  /** Debian packages the binaries come from (for the error when one is missing). */
  packages: string[];
  /** Host executables copied with every shared library `ldd` lists for them. */
  binaries: string[];
  /** Host files or directories (recursively) copied to a path inside the image. */
  trees: ImageTree[];
  /** Copy the production dependencies (`npm ls --omit=dev`) of this Node project to `<to>/node_modules`. */
  nodeModules?: { project: string; to: string };
  /** Empty directories the daemon expects (config, run, state). */
  dirs: string[];
  files: GeneratedFile[];
  /** Default command: what a node without `cmd` runs (a host just stays up). */
  cmd: string[];
}

/** Every image gets these: addresses, routes, netem, reach and DNS checks run inside nodes. */
const BASE_BINARIES = ['/usr/sbin/ip', '/usr/sbin/tc', '/usr/bin/ping', '/usr/bin/bash', '/usr/bin/dig'];
const BASE_PACKAGES = ['busybox-static', 'iproute2', 'iputils-ping', 'bash', 'bind9-dnsutils'];
export const BUSYBOX = '/usr/bin/busybox';
export const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const baseFiles: GeneratedFile[] = [
  { path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n', mode: 0o644 },
  { path: '/etc/group', content: 'root:x:0:\nnogroup:x:65534:\n', mode: 0o644 },
];
const baseDirs = ['/tmp', '/root', '/run', '/var/run', '/etc'];

function recipe(r: Omit<ImageRecipe, 'binaries' | 'packages' | 'dirs' | 'files' | 'trees'> & Partial<Pick<ImageRecipe, 'binaries' | 'packages' | 'dirs' | 'files' | 'trees'>>): ImageRecipe {
  return {
    ...r,
    binaries: [...BASE_BINARIES, ...(r.binaries ?? [])],
    packages: [...BASE_PACKAGES, ...(r.packages ?? [])],
    trees: r.trees ?? [],
    dirs: [...baseDirs, ...(r.dirs ?? [])],
    files: [...baseFiles, ...(r.files ?? [])],
  };
}

/** Where the flatlab image carries this installation (dist, package.json, production node_modules). */
export const FLATLAB_IMAGE_ROOT = '/opt/flatlab';

/** `projectRoot`: the flatlab installation the flatlab image is built from (dist must be built). */
export function imageRecipes(projectRoot: string): readonly ImageRecipe[] {
  return [
    // The linux kind may load an nftables ruleset and serve a page with busybox httpd.
    recipe({ tag: 'flatlab/host:0.1.0-local', description: 'plain Linux host: busybox, iproute2, nft, ping, dig', packages: ['nftables'], binaries: ['/usr/sbin/nft'], cmd: ['sleep', 'infinity'] }),
    recipe({
      tag: 'flatlab/bird:2.0.12-local',
      description: 'BIRD 2 (bird, birdc) from Debian bird2',
      packages: ['bird2'],
      binaries: ['/usr/sbin/bird', '/usr/sbin/birdc'],
      dirs: ['/etc/bird', '/run/bird'],
      cmd: ['bird', '-f', '-c', '/etc/bird/bird.conf', '-s', '/run/bird.ctl'],
    }),
    recipe({
      tag: 'flatlab/frr:8.4.4-local',
      description: 'FRRouting (watchfrr, zebra, staticd, bgpd, vtysh) from Debian frr, started by its frrinit.sh',
      packages: ['frr'],
      // frrcommon.sh creates /var/run/frr with coreutils install; vtysh authenticates through PAM (Debian's pam.d/frr: permit).
      binaries: ['/usr/lib/frr/watchfrr', '/usr/lib/frr/zebra', '/usr/lib/frr/staticd', '/usr/lib/frr/bgpd', '/usr/bin/vtysh', '/usr/bin/install', '/usr/lib/x86_64-linux-gnu/security/pam_permit.so'],
      trees: ['frrinit.sh', 'frrcommon.sh', 'watchfrr.sh'].map((f) => ({ from: `/usr/lib/frr/${f}`, to: `/usr/lib/frr/${f}` })),
      dirs: ['/etc/frr', '/var/log/frr', '/var/tmp/frr'],
      // FRR's daemons drop to user frr; vtysh talks to them as a member of frrvty.
      files: [
        { path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nfrr:x:100:101:FRRouting:/nonexistent:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n', mode: 0o644 },
        { path: '/etc/group', content: 'root:x:0:\nfrr:x:101:\nfrrvty:x:102:frr\nnogroup:x:65534:\n', mode: 0o644 },
        { path: '/etc/pam.d/frr', content: 'auth\tsufficient\tpam_permit.so\naccount\tsufficient\tpam_permit.so\nsession\tsufficient\tpam_permit.so\n', mode: 0o644 },
      ],
      cmd: ['sh', '-c', '/usr/lib/frr/frrinit.sh start && exec sleep infinity'],
    }),
    recipe({
      tag: 'flatlab/gobgp:3.10.0-local',
      description: 'GoBGP (gobgpd, gobgp) from Debian gobgpd',
      packages: ['gobgpd'],
      binaries: ['/usr/bin/gobgpd', '/usr/bin/gobgp'],
      dirs: ['/etc/gobgp'],
      cmd: ['gobgpd', '-f', '/etc/gobgp/gobgpd.toml'],
    }),
    recipe({
      tag: 'flatlab/exabgp:4.2.21-local',
      description: 'ExaBGP 4.2 from Debian exabgp on the host\'s Python 3.11',
      packages: ['exabgp', 'python3-exabgp', 'python3-pkg-resources', 'python3.11'],
      binaries: ['/usr/bin/python3.11'],
      // Debian's site.py puts /usr/lib/python3/dist-packages on the path; the entry script finds
      // ExaBGP through its egg-info (importlib.metadata). The stdlib goes without its static
      // library and build config (config-3.11-*, 25 MiB) and its self-tests.
      trees: [
        { from: '/usr/bin/python3', to: '/usr/bin/python3' },
        // /usr/sbin/exabgp is an alternatives link to Debian's python3-exabgp entry script.
        { from: '/usr/sbin/python3-exabgp', to: '/usr/sbin/exabgp' },
        // Its CLI, through which the runtime observes the node (src/runtime/netns/observers/exabgp.ts).
        { from: '/usr/sbin/python3-exabgpcli', to: '/usr/sbin/exabgpcli' },
        { from: '/usr/lib/python3.11', to: '/usr/lib/python3.11', exclude: ['config-3.11-x86_64-linux-gnu', 'test', 'ensurepip'], libraries: true },
        ...['exabgp', 'exabgp-4.2.21.egg-info', 'pkg_resources'].map((d) => ({ from: `/usr/lib/python3/dist-packages/${d}`, to: `/usr/lib/python3/dist-packages/${d}` })),
      ],
      dirs: ['/etc/exabgp', '/run/exabgp'],
      cmd: exabgpKind.containerlab!.cmd!,
    }),
    recipe({
      tag: 'flatlab/tayga:0.9.2-local',
      description: 'TAYGA 0.9.2 NAT64 from Debian tayga, with nft for its NAT44 pool (needs /dev/net/tun and NET_ADMIN)',
      packages: ['tayga', 'nftables'],
      binaries: ['/usr/sbin/tayga', '/usr/sbin/nft'],
      dirs: ['/etc/tayga'],
      cmd: ['tayga', '--config', '/etc/tayga/tayga.conf', '--nodetach'],
    }),
    recipe({
      tag: 'flatlab/flatlab:0.1.0-local',
      description: 'flatlab itself (bgpd, hesiod, dns64) on the host\'s Node.js',
      packages: ['nodejs'],
      binaries: ['/usr/bin/node'],
      trees: [
        { from: `${projectRoot}/dist`, to: `${FLATLAB_IMAGE_ROOT}/dist` },
        { from: `${projectRoot}/schemas`, to: `${FLATLAB_IMAGE_ROOT}/schemas` },
        { from: `${projectRoot}/package.json`, to: `${FLATLAB_IMAGE_ROOT}/package.json` },
      ],
      nodeModules: { project: projectRoot, to: FLATLAB_IMAGE_ROOT },
      dirs: ['/etc/flatlab'],
      files: [{ path: '/usr/local/bin/flatlab', content: `#!/bin/sh\nexec node ${FLATLAB_IMAGE_ROOT}/dist/cli/main.js "$@"\n`, mode: 0o755 }],
      cmd: ['flatlab', '--help'],
    }),
  ];
}

export function recipeFor(tag: string, projectRoot: string): ImageRecipe | undefined {
  return imageRecipes(projectRoot).find((r) => r.tag === tag);
}

/**
 * Library paths named by `ldd` output: `libx.so.1 => /lib/…/libx.so.1 (0x…)` and the loader's
 * own `/lib64/ld-linux-x86-64.so.2 (0x…)`; the vDSO has no file and `not found` is reported.
 */
export function parseLdd(text: string): { libraries: string[]; missing: string[] } {
  const libraries: string[] = [];
  const missing: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const arrow = /^(\S+) => (?:(\/\S+) \(0x[0-9a-f]+\)|not found)$/.exec(line);
    if (arrow) {
      if (arrow[2]) libraries.push(arrow[2]);
      else missing.push(arrow[1]!);
      continue;
    }
    const direct = /^(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (direct) libraries.push(direct[1]!);
  }
  return { libraries: [...new Set(libraries)], missing };
}
