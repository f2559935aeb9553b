import { describe, expect, it } from 'vitest';
import { test as ftest, fc } from '@fast-check/vitest';
import { chooseRoute, learnPath, newPathTable, PATH_ALIVE_MS, recordReply, scopeRank, updateEndpoints } from '../../../src/zt/agent/paths.js';

describe('peer path choice', () => {
  it('relays until a path answers, then goes direct; falls back to the relay when it goes quiet', () => {
    const t = newPathTable(['198.18.0.5:9993']);
    expect(chooseRoute(t, 0)).toEqual({ kind: 'relay' });
    recordReply(t, '198.18.0.5:9993', 1000, 2);
    expect(chooseRoute(t, 1500)).toEqual({ kind: 'direct', endpoint: '198.18.0.5:9993' });
    expect(chooseRoute(t, 1000 + PATH_ALIVE_MS + 1)).toEqual({ kind: 'relay' });
  });

  it('prefers a private LAN path over a global one, then the lower round trip', () => {
    const t = newPathTable(['198.18.0.5:9993', '172.16.12.1:9993', '198.18.0.9:9993']);
    recordReply(t, '198.18.0.5:9993', 100, 1);
    recordReply(t, '172.16.12.1:9993', 100, 9);
    expect(chooseRoute(t, 200)).toEqual({ kind: 'direct', endpoint: '172.16.12.1:9993' });
    const g = newPathTable(['198.18.0.5:9993', '198.18.0.9:9993']);
    recordReply(g, '198.18.0.5:9993', 100, 9);
    recordReply(g, '198.18.0.9:9993', 100, 1);
    expect(chooseRoute(g, 200)).toEqual({ kind: 'direct', endpoint: '198.18.0.9:9993' });
    expect([scopeRank('10.1.2.3:1'), scopeRank('100.64.0.1:1'), scopeRank('8.8.8.8:1')]).toEqual([2, 1, 0]);
  });

  it('keeps measurements and learnt paths across a new endpoint list, forgets learnt paths long quiet', () => {
    let t = newPathTable(['198.18.0.5:9993']);
    learnPath(t, '198.18.0.11:40000');
    recordReply(t, '198.18.0.11:40000', 0, 1);
    t = updateEndpoints(t, ['198.18.0.7:9993']);
    expect([...t.paths.keys()].sort()).toEqual(['198.18.0.11:40000', '198.18.0.7:9993']);
    chooseRoute(t, 11 * PATH_ALIVE_MS);
    expect([...t.paths.keys()]).toEqual(['198.18.0.7:9993']);
  });

  ftest.prop([fc.array(fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 500 })), { maxLength: 8 }), fc.integer({ min: 0, max: 20_000 })])(
    'the chosen direct path is always alive at the time of choice',
    (replies, now) => {
      const t = newPathTable([]);
      for (const [host, at, rtt] of replies) recordReply(t, `198.18.0.${host}:9993`, at, rtt);
      const r = chooseRoute(t, now);
      if (r.kind === 'direct') {
        const p = t.paths.get(r.endpoint)!;
        expect(now - p.lastReply!).toBeLessThanOrEqual(PATH_ALIVE_MS);
      } else {
        expect([...t.paths.values()].every((p) => p.lastReply === undefined || now - p.lastReply > PATH_ALIVE_MS)).toBe(true);
      }
    },
  );
});
