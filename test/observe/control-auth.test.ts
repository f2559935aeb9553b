import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlAuthorizer, signControlRequest } from '../../src/observe/control-auth.js';

const secret = Buffer.from('a shared secret of decent length');
const now = 1_700_000_000;
const auth = controlAuthorizer({ bearerToken: 'token-token-token', hmacSecret: secret, nowSeconds: () => now });
const req = (headers: Record<string, string>, body = Buffer.alloc(0), path = '/reload') => ({ method: 'POST', path, headers, body });

describe('control request authorisation', () => {
  it('accepts the bearer token and nothing like it', () => {
    expect(auth(req({ authorization: 'Bearer token-token-token' }))).toBe(true);
    expect(auth(req({ authorization: 'Bearer token-token-tokeN' }))).toBe(false);
    expect(auth(req({}))).toBe(false);
  });
  it('accepts an HMAC signature within the fudge, over method, path and body', () => {
    const body = Buffer.from('{"zone":"x"}');
    expect(auth(req({ 'x-flatlab-signature': signControlRequest(secret, 'POST', '/reload', body, now - 100) }, body))).toBe(true);
    expect(auth(req({ 'x-flatlab-signature': signControlRequest(secret, 'POST', '/reload', body, now - 301) }, body))).toBe(false);
    expect(auth(req({ 'x-flatlab-signature': signControlRequest(secret, 'POST', '/other', body, now) }, body))).toBe(false);
    expect(auth(req({ 'x-flatlab-signature': signControlRequest(Buffer.from('other'), 'POST', '/reload', body, now) }, body))).toBe(false);
  });
  it('rejects any altered body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(63), (bytes, at) => {
        const body = Buffer.from(bytes);
        const sig = signControlRequest(secret, 'POST', '/reload', body, now);
        const altered = Buffer.from(body);
        altered[at % altered.length] = (altered[at % altered.length] ?? 0) ^ 1;
        expect(auth(req({ 'x-flatlab-signature': sig }, altered))).toBe(false);
      }),
    );
  });
});
