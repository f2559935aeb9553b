import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { kinds } from '../../../src/kinds/index.js';
import { imageRecipes, parseLdd } from '../../../src/runtime/containerlab/image-recipes.js';

// ldd output as glibc 2.36 prints it (bird on Debian 12), trimmed.
const BIRD_LDD = `\tlinux-vdso.so.1 (0x00007ffd2b5f2000)
\tlibssh-gcrypt.so.4 => /lib/x86_64-linux-gnu/libssh-gcrypt.so.4 (0x00007f30f6baf000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f30f69cd000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f30f6d71000)
\tlibgcrypt.so.20 => /lib/x86_64-linux-gnu/libgcrypt.so.20 (0x00007f30f6886000)
`;

describe('parseLdd', () => {
  it('lists the libraries and the loader, not the vDSO', () => {
    expect(parseLdd(BIRD_LDD)).toEqual({
      libraries: ['/lib/x86_64-linux-gnu/libssh-gcrypt.so.4', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/libgcrypt.so.20'],
      missing: [],
    });
  });

  it('reports libraries ldd cannot find', () => {
    expect(parseLdd('\tlibfoo.so.1 => not found\n').missing).toEqual(['libfoo.so.1']);
  });

  const soname = fc.stringMatching(/^lib[a-z0-9_-]{1,12}\.so\.[0-9]{1,2}$/);
  test.prop([fc.uniqueArray(soname, { maxLength: 10 }), fc.uniqueArray(soname, { maxLength: 3 })])('finds every resolved library and every missing one', (found, missing) => {
    fc.pre(found.every((f) => !missing.includes(f)));
    const text = [
      '\tlinux-vdso.so.1 (0x00007ffc00000000)',
      ...found.map((s, i) => `\t${s} => /usr/lib/x86_64-linux-gnu/${s} (0x00007f00${String(i).padStart(8, '0')})`),
      ...missing.map((s) => `\t${s} => not found`),
    ].join('\n');
    expect(parseLdd(text)).toEqual({ libraries: found.map((s) => `/usr/lib/x86_64-linux-gnu/${s}`), missing });
  });
});

describe('image recipes', () => {
  it('every flatlab/*-local image a kind names has a recipe, and every recipe is some kind\'s image', () => {
    const recipes = new Set(imageRecipes('/x').map((r) => r.tag));
    const local = new Set(kinds.map((k) => k.containerlab.image).filter((i): i is string => !!i && i.endsWith('-local')));
    expect([...local].sort()).toEqual([...recipes].sort());
  });
});
