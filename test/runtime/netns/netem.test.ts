/**
 * netem steps on netns, on whatever kernel runs the test: with sch_netem, tc netem; without it
 * (as on the CI machines), loss through nftables and rate through tbf, and delay refused with
 * an error saying why. Root; skips elsewhere with the reason.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledLab } from '../../support/compiled-lab.js';
import { needTools } from '../../support/need-tools.js';
import { netnsTestRuntime } from '../../support/netns-test-runtime.js';

const reason = needTools(['ip', 'ping', 'tc', 'nft'], { root: true });
const qdisc = (node: string) => execFileSync('tc', ['-n', `fl-nsnetem-${node}`, 'qdisc', 'show', 'dev', 'eth1'], { encoding: 'utf8' });

describe.skipIf(reason)('netem on netns (root)', () => {
  const { rt } = netnsTestRuntime('netns-netem', ['nsnetem']);

  it('drops every packet at 100% loss and none once cleared; rate and delay as the kernel allows', async () => {
    const lab = await compiledLab(join(import.meta.dirname, 'netem.yml'));
    const b = lab.nodes.find((n) => n.name === 'b')!.interfaces[0]!.ipv4!.split('/')[0]!;
    const ping = async () => (await rt.reach('a', { to: b, protocol: 'icmp', count: 2 })).reachable;
    await rt.up(lab);
    expect(await ping()).toBe(true);
    await rt.setNetem({ index: 0 }, { lossPercent: 100 });
    expect(await ping()).toBe(false);
    await rt.setNetem({ index: 0 }, undefined);
    expect(await ping()).toBe(true);

    await rt.setNetem({ index: 0 }, { rateKbit: 800 });
    const shown = qdisc('a');
    const hasNetem = shown.includes('netem');
    if (hasNetem) {
      expect(shown).toMatch(/rate 800Kbit/i);
      await rt.setNetem({ index: 0 }, { delayMs: 40 });
      expect(qdisc('b')).toMatch(/delay 40(\.0)?ms/);
    } else {
      expect(shown).toMatch(/tbf .*rate 800Kbit/i);
      await expect(rt.setNetem({ index: 0 }, { delayMs: 40 })).rejects.toThrow(/no netem queueing discipline.*delay and jitter need it/);
      // Loss alone still works: half the packets, drawn per packet.
      await rt.setNetem({ index: 0 }, { lossPercent: 50 });
      expect(execFileSync('nft', ['-n', '-a', 'list', 'ruleset'], { encoding: 'utf8' })).not.toContain('flatlab_netem'); // the host's own ruleset is untouched
      expect(execFileSync('ip', ['netns', 'exec', 'fl-nsnetem-a', 'nft', 'list', 'chain', 'inet', 'flatlab_netem', 'egress_eth1'], { encoding: 'utf8' })).toMatch(/numgen random mod 1000000 < 500000 drop/);
    }
    await rt.setNetem({ index: 0 }, undefined);
    expect(qdisc('a')).not.toMatch(/netem|tbf/);
    expect(await ping()).toBe(true);
    await rt.down();
  }, 120_000);
});
