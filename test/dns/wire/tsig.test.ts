import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RCODE } from '../../../src/dns/wire/constants.js';
import { decodeMessage } from '../../../src/dns/wire/message.js';
import { parseTsigKeySpec, readTsig, signMessage, verifyRequest, verifyResponse, type TsigKey } from '../../../src/dns/wire/tsig.js';
import { buildQuery } from '../../../src/dns/server/query-client.js';

const key256: TsigKey = parseTsigKeySpec(`k1:hmac-sha256:${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`);
const key512: TsigKey = parseTsigKeySpec(`hmac-sha512:k2:${Buffer.from('another secret of some length').toString('base64')}`);

describe('TSIG', () => {
  it('parses name:alg:secret and dig -y order alg:name:secret', () => {
    expect(key256).toMatchObject({ name: 'k1', algorithm: 'hmac-sha256' });
    expect(key512).toMatchObject({ name: 'k2', algorithm: 'hmac-sha512' });
    expect(() => parseTsigKeySpec('k:hmac-md5:abcd')).toThrow(/algorithm/);
    expect(() => parseTsigKeySpec('k:hmac-sha256:not base64!')).toThrow(/base64/);
    expect(() => parseTsigKeySpec('k:hmac-sha256')).toThrow(/name:algorithm:secret/);
  });

  it('a signed request verifies with the key and time; fails BADSIG, BADKEY, BADTIME otherwise', () => {
    fc.assert(
      fc.property(fc.constantFrom(key256, key512), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: -1000, max: 1000 }), (key, id, skew) => {
        const now = 1_700_000_000;
        const signed = signMessage(buildQuery('ns.example.org', 252, 4, { id }), { key, nowSeconds: now }).message;
        const msg = decodeMessage(signed);
        const t = readTsig(msg)!;
        const v = verifyRequest(msg, t, [key256, key512], now + skew);
        if (Math.abs(skew) <= 300) expect(v.ok).toBe(true);
        else expect(v).toMatchObject({ ok: false, error: RCODE.BADTIME });
        expect(verifyRequest(msg, t, [{ ...key, secret: Buffer.from('wrong') }], now)).toMatchObject({ ok: false, error: RCODE.BADSIG });
        expect(verifyRequest(msg, t, [], now)).toMatchObject({ ok: false, error: RCODE.BADKEY });
      }),
      { numRuns: 50 },
    );
  });

  it('a flipped bit anywhere in the signed part fails verification', () => {
    const now = 1_700_000_000;
    const signed = signMessage(buildQuery('jdoe.passwd.ns.example.org', 16, 4, { id: 77 }), { key: key256, nowSeconds: now }).message;
    const end = decodeMessage(signed).additionals[0]!.start;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: end - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
        const m = Buffer.from(signed);
        m[at] = (m[at] ?? 0) ^ (1 << bit);
        let ok = false;
        try {
          const msg = decodeMessage(m);
          const t = readTsig(msg);
          ok = t !== undefined && verifyRequest(msg, t, [key256], now).ok;
        } catch {
          ok = false;
        }
        expect(ok).toBe(false);
      }),
    );
  });

  it('responses chain MACs: request MAC, then prior MAC with timers only', () => {
    const now = 1_700_000_000;
    const req = signMessage(buildQuery('ns.example.org', 252, 4, { id: 5 }), { key: key256, nowSeconds: now });
    const r1 = signMessage(buildQuery('ns.example.org', 252, 4, { id: 5 }), { key: key256, nowSeconds: now, priorMac: req.mac });
    const r2 = signMessage(buildQuery('ns.example.org', 252, 4, { id: 5 }), { key: key256, nowSeconds: now, priorMac: r1.mac, timersOnly: true });
    expect(verifyResponse(decodeMessage(r1.message), key256, req.mac)).toBe(true);
    expect(verifyResponse(decodeMessage(r2.message), key256, r1.mac, { timersOnly: true })).toBe(true);
    expect(verifyResponse(decodeMessage(r2.message), key256, req.mac, { timersOnly: true })).toBe(false);
  });
});
