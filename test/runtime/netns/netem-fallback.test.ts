import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clearLossArgv, lossChain, netemFallback, netemFallbackRefusal } from '../../../src/runtime/netns/netem-fallback.js';

describe('netem without sch_netem', () => {
  it('refuses delay and jitter, which only netem can do', () => {
    expect(netemFallbackRefusal({ delayMs: 10 })).toMatch(/delay and jitter need it/);
    expect(netemFallbackRefusal({ jitterMs: 5, lossPercent: 1 })).toMatch(/CONFIG_NET_SCH_NETEM/);
    expect(netemFallbackRefusal({ lossPercent: 1, rateKbit: 100 })).toBeUndefined();
  });

  it('gives rate as a token bucket and nothing else', () => {
    expect(netemFallback('eth2', { rateKbit: 512 })).toEqual({ argv: [['tc', 'qdisc', 'add', 'dev', 'eth2', 'root', 'tbf', 'rate', '512kbit', 'burst', '32kbit', 'latency', '400ms']] });
  });

  it('drops the loss share of egress packets in a chain of the interface, every packet at 100%', () => {
    expect(netemFallback('eth1', { lossPercent: 12.5 }).nft).toContain('add rule inet flatlab_netem egress_eth1 oifname "eth1" numgen random mod 1000000 < 125000 drop');
    expect(netemFallback('eth1', { lossPercent: 100 }).nft).toContain('oifname "eth1" drop');
    expect(netemFallback('eth1', { lossPercent: 0 })).toEqual({ argv: [] });
    expect(clearLossArgv('eth1')).toEqual(['nft', 'delete', 'chain', 'inet', 'flatlab_netem', 'egress_eth1']);
  });

  it('keeps the drop share within numgen range for any loss, and chain names within nft identifiers', () => {
    fc.assert(fc.property(fc.double({ min: 0.0001, max: 100, noNaN: true }), (loss) => {
      const rule = netemFallback('eth1', { lossPercent: loss }).nft!.split('\n')[3]!;
      const below = /< (\d+) drop/.exec(rule)?.[1];
      if (below === undefined) return rule.endsWith('oifname "eth1" drop') && loss >= 99.99995;
      return Number(below) >= 0 && Number(below) < 1_000_000;
    }));
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 15 }), (name) => /^egress_[A-Za-z0-9_]+$/.test(lossChain(name))));
  });
});
