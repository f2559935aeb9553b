/**
 * Kernel modules for the initramfs: the wanted modules and everything they depend on, from the
 * kernel's modules.dep (`path: dep dep …`, paths relative to /lib/modules/<version>), in an
 * order where every module comes after its dependencies, so `insmod` can load them one by one
 * without modprobe or depmod in the guest.
 */
import { FlatlabError } from '../config/diagnostics.js';

export type ModulesDep = ReadonlyMap<string, readonly string[]>;

export function parseModulesDep(text: string): ModulesDep {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    deps.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim().split(/\s+/).filter(Boolean));
  }
  return deps;
}

/** `virtio_net` → `virtio_net`; module names treat - and _ alike. */
export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/** Paths of `wanted` and their dependencies, dependencies first; unknown names are a typed error. */
export function moduleLoadOrder(deps: ModulesDep, wanted: readonly string[], kernel: string): string[] {
  const byName = new Map<string, string>();
  for (const path of deps.keys()) byName.set(moduleName(path), path);
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (path: string, chain: string[]): void => {
    if (seen.has(path)) return;
    if (chain.includes(path)) throw new FlatlabError('image.modules.cycle', `modules.dep has a cycle: ${[...chain, path].join(' → ')}`, { hint: 'run depmod for the kernel again' });
    for (const d of deps.get(path) ?? []) visit(d, [...chain, path]);
    seen.add(path);
    order.push(path);
  };
  const missing: string[] = [];
  for (const name of wanted) {
    const path = byName.get(name.replace(/-/g, '_'));
    if (path) visit(path, []);
    else missing.push(name);
  }
  if (missing.length) {
    throw new FlatlabError('image.modules.missing', `kernel ${kernel} has no module ${missing.join(', ')} in modules.dep`, {
      hint: 'the driver may be built in (check /boot/config-*), or install the linux-image package for this kernel',
    });
  }
  return order;
}
