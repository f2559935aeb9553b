import { describe, expect, it } from 'vitest';
import { test as ftest, fc } from '@fast-check/vitest';
import { controllerOf, isMemberId, memberIdForNode, parseMemberId, parseNetworkId, ZtIdError } from '../../src/zt/ids.js';

describe('ZeroTier ids', () => {
  it('parses and normalises network ids and member addresses', () => {
    expect(parseNetworkId('8056C2E21C000001')).toBe('8056c2e21c000001');
    expect(parseMemberId('87C29DBEF6')).toBe('87c29dbef6');
  });

  it('rejects malformed and reserved ids with a typed error and a hint', () => {
    for (const bad of ['8056c2e21c00000', '8056c2e21c0000011', 'xyz', '']) {
      expect(() => parseNetworkId(bad)).toThrow(ZtIdError);
    }
    const err = (() => {
      try {
        parseMemberId('ff12345678');
      } catch (e) {
        return e as ZtIdError;
      }
    })();
    expect(err?.code).toBe('zt.reserved-member-id');
    expect(() => parseMemberId('0000000000')).toThrow(/reserved/);
    expect(() => parseMemberId('12345')).toThrow(/not a ZeroTier member address/);
  });

  it('the controller of a network is its first ten digits', () => {
    expect(controllerOf(parseNetworkId('8056c2e21c000001'))).toBe('8056c2e21c');
  });

  ftest.prop([fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 })])('lab member ids are valid, stable, and differ between names', (lab, node) => {
    const id = memberIdForNode(lab, node);
    expect(isMemberId(id)).toBe(true);
    expect(memberIdForNode(lab, node)).toBe(id);
    expect(memberIdForNode(lab, `${node}x`)).not.toBe(id);
  });
});
