/**
 * The shared-library closure of executables, from `ldd` output (glibc's ldd lists the whole
 * closure, not only direct needs): `libx.so.1 => /lib/…/libx.so.1 (0x…)` and the loader as
 * `/lib64/ld-linux-x86-64.so.2 (0x…)`. linux-vdso has no file and is skipped.
 */
import { FlatlabError } from '../config/diagnostics.js';

export function parseLdd(text: string, binary: string): string[] {
  const paths: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('linux-vdso') || line === 'statically linked' || line.includes('not a dynamic executable')) continue;
    const notFound = /^(\S+) => not found$/.exec(line);
    if (notFound) throw new FlatlabError('image.ldd.missing', `${binary} needs ${notFound[1]}, which is not installed`, { hint: 'install the package that provides it' });
    const arrow = /^(\S+) => (\/\S+)(?: \(0x[0-9a-f]+\))?$/.exec(line);
    if (arrow) {
      paths.push(arrow[2]!);
      continue;
    }
    const loader = /^(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (loader) paths.push(loader[1]!);
  }
  return paths;
}
