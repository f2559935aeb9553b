/**
 * The BGP backbone's scenarios on real daemons in namespaces: BIRD, FRR, GoBGP and flatlab
 * bgpd in one lab. Root only (CI); the same scenarios run on sim in test/cli/run.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { needTools } from '../support/need-tools.js';

const reason = needTools(['ip', 'bird', 'birdc', 'vtysh', '/usr/lib/frr/bgpd', 'gobgpd', 'gobgp'], { root: true });

describe.skipIf(reason)('backbone scenarios on netns (real BIRD, FRR, GoBGP, flatlab bgpd)', () => {
  it('passes every backbone scenario and leaves nothing behind', async () => {
    const io = memoryIO(join(import.meta.dirname, '../..'));
    const code = await main(['run', 'scenarios/bgp-backbone', '--runtime', 'netns'], io);
    const { stdout, stderr } = io.text();
    expect(stderr).toBe('');
    expect(stdout).toContain('8/8 scenarios passed');
    expect(code).toBe(0);
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('fl-bgp-backbone-'));
    expect(left).toEqual([]);
  }, 15 * 60_000);
});
