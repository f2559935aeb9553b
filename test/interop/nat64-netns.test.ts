/**
 * The NAT64/DNS64 site's scenarios on netns: real TAYGA with NAT44, flatlab dns64, flatlab
 * hesiod, busybox httpd and nftables. Root only (CI). The DNS-only scenarios also run on sim
 * (second test), and the packet scenarios must refuse sim naming netns.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { needTools } from '../support/need-tools.js';

const root = join(import.meta.dirname, '../..');
const reason = needTools(['ip', 'tayga', 'nft', 'dig', 'busybox'], { root: true });

describe.skipIf(reason)('ipv6-nat64 scenarios on netns (TAYGA, flatlab dns64, nftables)', () => {
  it('passes every scenario and leaves nothing behind', async () => {
    const io = memoryIO(root);
    const code = await main(['run', 'scenarios/ipv6-nat64', '--runtime', 'netns'], io);
    const { stdout, stderr } = io.text();
    expect(stderr).toBe('');
    expect(stdout).toContain('6/6 scenarios passed');
    expect(code).toBe(0);
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('fl-ipv6-nat64'));
    expect(left).toEqual([]);
  }, 15 * 60_000);
});

describe('ipv6-nat64 scenarios on sim', () => {
  it('passes the DNS64 scenarios (WKP and NSP)', async () => {
    const io = memoryIO(root);
    const code = await main(['run', 'scenarios/ipv6-nat64/01-dns64.yml', 'scenarios/ipv6-nat64/05-nsp-dns64.yml', '--runtime', 'sim'], io);
    expect(io.text().stdout).toContain('2/2 scenarios passed');
    expect(code).toBe(0);
  });

  it('fails packet scenarios on sim with a message naming netns', async () => {
    const io = memoryIO(root);
    const code = await main(['run', 'scenarios/ipv6-nat64/04-nat64-failure.yml', '--runtime', 'sim'], io);
    const { stdout, stderr } = io.text();
    expect(code).toBe(1);
    expect(`${stdout}${stderr}`).toMatch(/--runtime netns/);
  });
});
