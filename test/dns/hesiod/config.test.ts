import { describe, expect, test } from 'vitest';
import { ValidationError } from '../../../src/config/diagnostics.js';
import { parseHesiodConf } from '../../../src/dns/hesiod/config.js';
import { hesiodDomain, hesiodToBind, HesiodError } from '../../../src/dns/hesiod/names.js';

// Expected names were checked with Debian's `hesinfo -b` (libhesiod 3.2.1) on the same files.
describe('hesiod.conf', () => {
  test('Debian\'s sample file', () => {
    const conf = parseHesiodConf('# comment\nlhs=.ns\n\nrhs=.athena.mit.edu\nclasses=IN,HS\n', '/etc/hesiod.conf');
    expect(conf).toEqual({ lhs: '.ns', rhs: '.athena.mit.edu', classes: ['IN', 'HS'] });
    expect(hesiodToBind('jdoe', 'passwd', conf)).toBe('jdoe.passwd.ns.athena.mit.edu');
  });

  test('keys in any case, spaces around "=", values without dots, trailing words ignored', () => {
    const conf = parseHesiodConf('LHS = ns\n  RHS\texample.org extra\n', 'c');
    expect(conf).toEqual({ lhs: 'ns', rhs: 'example.org', classes: ['IN', 'HS'] });
    expect(hesiodToBind('jdoe', 'passwd', conf)).toBe('jdoe.passwd.ns.example.org');
  });

  test('classes: order kept, a repeated class counts once, unknown words fall back to the default', () => {
    expect(parseHesiodConf('rhs=.e.org\nclasses=HS,IN\n', 'c').classes).toEqual(['HS', 'IN']);
    expect(parseHesiodConf('rhs=.e.org\nclasses=hs,hs\n', 'c').classes).toEqual(['HS']);
    expect(parseHesiodConf('rhs=.e.org\nclasses=FOO\n', 'c').classes).toEqual(['IN', 'HS']);
    expect(parseHesiodConf('rhs=.e.org\nclasses=IN\n', 'c').classes).toEqual(['IN']);
  });

  test('no rhs is an error (libhesiod: invalid configuration); HES_DOMAIN replaces rhs', () => {
    expect(() => parseHesiodConf('lhs=.ns\n', 'c')).toThrow(ValidationError);
    expect(parseHesiodConf('lhs=.ns\n', 'c', { HES_DOMAIN: 'other.org' }).rhs).toBe('.other.org');
    expect(hesiodToBind('jdoe', 'passwd', parseHesiodConf('rhs=.example.org\n', 'c', { HES_DOMAIN: 'other.org' }))).toBe('jdoe.passwd.other.org');
  });

  test('user@domain names: a dotted domain replaces rhs; a bare one needs its rhs-extension', () => {
    const naming = { lhs: '.ns', rhs: '.example.org' };
    expect(hesiodToBind('jdoe@foo.bar', 'passwd', naming)).toBe('jdoe.passwd.ns.foo.bar');
    expect(() => hesiodToBind('jdoe@athena', 'passwd', naming)).toThrow(HesiodError);
    expect(hesiodToBind('jdoe@athena', 'passwd', naming, '.athena.example.org')).toBe('jdoe.passwd.ns.athena.example.org');
    expect(hesiodToBind('jdoe', 'passwd', { lhs: '', rhs: 'example.org.' })).toBe('jdoe.passwd.example.org');
    expect(hesiodDomain(naming)).toBe('ns.example.org');
  });
});
