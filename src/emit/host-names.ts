/**
 * Names that become Linux interface names on the host (containerlab bridge nodes and their
 * ports) must be unique on the host and at most 15 bytes (IFNAMSIZ - 1). They are derived from
 * the lab name by a short stable hash, so two labs deployed side by side do not collide.
 */
import { createHash } from 'node:crypto';

export const IFNAME_MAX = 15;

export function labTag(labName: string): string {
  return createHash('sha256').update(labName).digest('hex').slice(0, 5);
}

/** The host bridge for LAN link `index` of the lab: `fl<hash>l<index>`. */
export function lanBridgeName(labName: string, index: number): string {
  return fitIfName(`fl${labTag(labName)}l${index}`);
}

/** Port `n` of a LAN bridge: `<bridge>p<n>`. */
export function lanPortName(bridge: string, n: number): string {
  return fitIfName(`${bridge}p${n}`);
}

/** Names longer than 15 bytes are replaced by a hash of themselves (still unique, still stable). */
export function fitIfName(name: string): string {
  if (name.length <= IFNAME_MAX) return name;
  return `fl${createHash('sha256').update(name).digest('hex').slice(0, IFNAME_MAX - 2)}`;
}
