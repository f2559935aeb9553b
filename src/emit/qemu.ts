/**
 * `qemu/<node>.sh` for VM nodes: boots the node's FlatRacoon OS guest with the node's lab interfaces.
 *
 * The script runs inside the node's network namespace (netns runtime) or container
 * (containerlab), where the lab interfaces (eth1…) already exist. Each lab interface gets a tap
 * device and a bridge joining the two, so frames on the lab link reach the guest's virtio NIC
 * unchanged and the guest owns the addresses. `FLATLAB_NET=socket` instead uses QEMU socket
 * backends on 127.0.0.1, for running VMs without privileges to create taps: point-to-point link
 * L joins UDP ports BASE+2L and BASE+2L+1 (one per end), a LAN link uses UDP multicast group
 * 230.0.0.1 port BASE+2L; such links join VMs to each other only.
 *
 * The image is what `flatlab image build` writes (FLATLAB_IMAGE_DIR): QEMU boots its kernel and
 * initramfs directly (no firmware boot menu), and the kernel command line carries the guest's
 * hostname, NICs (by MAC, renamed to the lab's interface names, with their addresses), loopback
 * addresses, static routes and services, which the guest's sysinit applies (src/image/guest-system.ts).
 * KVM when /dev/kvm is usable, else TCG; the disk is opened with snapshot=on so a lab run never
 * changes the image (A/B updates inside a run last until QEMU exits); the serial console and the
 * monitor are unix sockets in the run directory (`socat - UNIX-CONNECT:$RUN/console.sock`).
 */
import { createHash } from 'node:crypto';
import { guestCommandLine, type GuestConfig } from '../image/qemu-vm.js';
import { getKind } from '../kinds/index.js';
import { effectiveConfig } from '../kinds/placeholders.js';
import type { Lab, LabNode } from '../topology/lab.js';
import type { ConfigFile } from './config-file.js';
import { forwards } from './containerlab.js';
import { generatedHeader } from './header.js';
import { fitIfName } from './host-names.js';
import { shellQuote } from './shell-quote.js';

export const defaultImageDir = '/var/lib/flatlab/images/flatracoon-os';

export function qemuScripts(lab: Lab): ConfigFile[] {
  return lab.nodes.filter((n) => getKind(n.kind).vm).map((n) => ({ path: `qemu/${n.name}.sh`, content: qemuScript(lab, n), mode: 0o755 }));
}

/** A stable locally administered MAC (QEMU's 52:54:00 prefix) per lab, node and interface. */
export function vmMac(lab: Lab, node: string, iface: string): string {
  const h = createHash('sha256').update(`${lab.name}/${node}/${iface}`).digest();
  return ['52', '54', '00', h[0]!, h[1]!, h[2]!].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':');
}

export function qemuScript(lab: Lab, node: LabNode): string {
  const config = effectiveConfig(getKind(node.kind), node.config);
  const memory = Number(config.memory);
  const cpus = Number(config.cpus);
  const q = shellQuote;
  const lines: string[] = [
    '#!/bin/sh',
    generatedHeader('#', lab).trimEnd(),
    `# FlatRacoon OS VM ${node.name}: ${node.interfaces.length} lab interface(s), ${memory} MiB, ${cpus} CPU(s).`,
    'set -eu',
    '',
    `NODE=${q(node.name)}`,
    `IMAGE="\${FLATLAB_IMAGE_DIR:-${defaultImageDir}}"`,
    'DISK="${FLATLAB_QEMU_DISK:-$IMAGE/disk.img}"',
    `APPEND=${q(guestCommandLine(guestConfig(lab, node)))}`,
    `RUN="\${FLATLAB_RUN:-/run/flatlab/${lab.name}/${node.name}}"`,
    'CONFIG="${FLATLAB_CONFIG:-}"',
    'NET="${FLATLAB_NET:-tap}"',
    'SOCKET_BASE="${FLATLAB_SOCKET_BASE:-40000}"',
    `MEMORY=${memory}`,
    `CPUS=${cpus}`,
    '',
    '# The uncompressed PVH kernel when the image has one (no in-guest decompression), else the bzImage.',
    'KERNEL="$IMAGE/vmlinux"',
    '[ -r "$KERNEL" ] || KERNEL="$IMAGE/vmlinuz"',
    'for f in "$DISK" "$KERNEL" "$IMAGE/initramfs.cpio.gz"; do',
    '  if [ ! -r "$f" ]; then',
    '    echo "$0: $f not found; build the image with flatlab image build --out DIR and set FLATLAB_IMAGE_DIR=DIR" >&2',
    '    exit 2',
    '  fi',
    'done',
    'mkdir -p "$RUN"',
    '',
    'if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then',
    '  ACCEL=kvm',
    '  CPU_MODEL=host',
    'else',
    '  ACCEL=tcg',
    '  CPU_MODEL=max',
    'fi',
    '',
    '# wire IFACE TAP BRIDGE: bridge the lab interface to the VM\'s tap device.',
    'wire() {',
    '  ip link show "$2" >/dev/null 2>&1 || ip tuntap add dev "$2" mode tap',
    '  ip link show "$3" >/dev/null 2>&1 || ip link add name "$3" type bridge',
    '  ip link set "$1" master "$3"',
    '  ip link set "$2" master "$3"',
    '  ip link set "$1" up',
    '  ip link set "$2" up',
    '  ip link set "$3" up',
    '}',
    '',
    'set -- \\',
    '  -name "$NODE" \\',
    '  -machine q35 -accel "$ACCEL" -cpu "$CPU_MODEL" \\',
    '  -m "$MEMORY" -smp "$CPUS" \\',
    '  -nographic -nodefaults \\',
    '  -kernel "$KERNEL" -initrd "$IMAGE/initramfs.cpio.gz" -append "$APPEND" \\',
    '  -serial "unix:$RUN/console.sock,server=on,wait=off" \\',
    '  -monitor "unix:$RUN/monitor.sock,server=on,wait=off" \\',
    '  -pidfile "$RUN/qemu.pid" \\',
    '  -drive "file=$DISK,if=virtio,format=raw,snapshot=on"',
    '',
    '# An updates disk the size of a root slot: flatlab\'s vm-update step writes a new root into it',
    '# and the in-guest updater (flatracoon-update /dev/vdX) copies it into the inactive slot.',
    '[ -e "$RUN/updates.img" ] || truncate -s 64M "$RUN/updates.img"',
    'set -- "$@" -drive "file=$RUN/updates.img,if=virtio,format=raw,readonly=on"',
    '',
    '# The node\'s generated config directory, read-only, as a virtual FAT disk (bird.conf, node.yml).',
    'if [ -n "$CONFIG" ] && [ -d "$CONFIG" ]; then',
    '  set -- "$@" -drive "file=fat:ro:$CONFIG,if=virtio,format=raw,readonly=on"',
    'fi',
    '',
  ];
  node.interfaces.forEach((iface, i) => {
    const n = i + 1;
    const link = lab.links[iface.link];
    const end = link ? link.endpoints.findIndex((e) => e.node === node.name && e.interface === iface.name) : 0;
    const socketBackend =
      link?.type === 'lan'
        ? `socket,id=net${n},mcast=230.0.0.1:$((SOCKET_BASE + ${2 * iface.link})),localaddr=127.0.0.1`
        : `socket,id=net${n},udp=127.0.0.1:$((SOCKET_BASE + ${2 * iface.link + (end === 0 ? 1 : 0)})),localaddr=127.0.0.1:$((SOCKET_BASE + ${2 * iface.link + (end === 0 ? 0 : 1)}))`;
    const tap = fitIfName(`tap-${iface.name}`);
    const br = fitIfName(`br-${iface.name}`);
    const mac = vmMac(lab, node.name, iface.name);
    lines.push(
      `# NIC ${n}: lab interface ${iface.name}${iface.ipv4 ? ` (${iface.ipv4}` : ''}${iface.ipv6 ? `${iface.ipv4 ? ', ' : ' ('}${iface.ipv6}` : ''}${iface.ipv4 || iface.ipv6 ? ')' : ''}`,
      'if [ "$NET" = socket ]; then',
      `  set -- "$@" -netdev "${socketBackend}"`,
      'else',
      `  wire ${q(iface.name)} ${q(tap)} ${q(br)}`,
      `  set -- "$@" -netdev "tap,id=net${n},ifname=${tap},script=no,downscript=no"`,
      'fi',
      `set -- "$@" -device "virtio-net-pci,netdev=net${n},mac=${mac},romfile="`,
      '',
    );
  });
  lines.push('exec qemu-system-x86_64 "$@"', '');
  return lines.join('\n');
}

/** What the guest configures at boot, from the node's lab intent. */
export function guestConfig(lab: Lab, node: LabNode): GuestConfig {
  const config = effectiveConfig(getKind(node.kind), node.config);
  const services = Array.isArray(config.services) ? config.services.filter((s): s is string => typeof s === 'string') : [];
  return {
    hostname: node.name,
    nics: node.interfaces.map((i) => ({ mac: vmMac(lab, node.name, i.name), name: i.name, addresses: [i.ipv4, i.ipv6].filter((a): a is string => Boolean(a)) })),
    loopback: [node.loopback.ipv4, node.loopback.ipv6].filter((a): a is string => Boolean(a)),
    routes: node.routes.map((r) => ({ prefix: r.prefix, via: r.via })),
    forwarding: forwards(node),
    // The supervisor's own health endpoint always runs; the node's services come from the topology.
    services,
  };
}
