/**
 * The NAT64/DNS64 site's scenarios on sim and netns (`--runtime sim,netns`): real TAYGA with
 * NAT44, flatlab dns64, flatlab hesiod, busybox httpd and nftables against the sim's model
 * (src/runtime/sim/packet-reach.ts); both must pass with no step differing. Root only (CI).
 * The sim half also runs alone, without root.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { needTools } from '../support/need-tools.js';

const root = join(import.meta.dirname, '../..');
const reason = needTools(['ip', 'tayga', 'nft', 'dig', 'busybox'], { root: true });

describe.skipIf(reason)('ipv6-nat64 scenarios on sim and netns (TAYGA, flatlab dns64, nftables)', () => {
  it('passes every scenario on both with no difference, and leaves nothing behind', async () => {
    const io = memoryIO(root);
    const code = await main(['run', 'scenarios/ipv6-nat64', '--runtime', 'sim,netns'], io);
    const { stdout, stderr } = io.text();
    expect(stderr).toBe('');
    expect(stdout).toContain('12/12 scenarios passed');
    expect(stdout).not.toContain('difference at step');
    expect(code).toBe(0);
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('fl-ipv6-nat64'));
    expect(left).toEqual([]);
  }, 15 * 60_000);
});

describe('ipv6-nat64 scenarios on sim', () => {
  it('passes every scenario: DNS64 answers and reach through the modelled NAT64', async () => {
    const io = memoryIO(root);
    const code = await main(['run', 'scenarios/ipv6-nat64', '--runtime', 'sim'], io);
    const { stdout } = io.text();
    expect(stdout).toContain('6/6 scenarios passed');
    expect(code).toBe(0);
    // Shell steps are netns/containerlab-only: skipped on sim, saying so.
    expect(stdout).toMatch(/skip +5\. exec on c1: .*: skipped on sim \(netns\/containerlab-only step\)/);
  });

  it('fails a scenario whose TAYGA stays stopped, naming the stopped node', async () => {
    const io = memoryIO(root);
    const code = await main(['run', 'test/runtime/sim/fixtures/nat64-stopped.yml', '--runtime', 'sim'], io);
    const { stdout } = io.text();
    expect(code).toBe(1);
    expect(stdout).toContain('nat64 (tayga) is stopped');
  });
});
