import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';

describe('flatlab zt', () => {
  const runRoot = mkdtempSync(join(tmpdir(), 'flatlab-zt-cli-'));

  it('says the agent does not answer when the lab is not up (exit 2)', async () => {
    const io = memoryIO();
    expect(await main(['zt', 'listnetworks', 'topologies/zerotier-mesh.yml', 'm1', '--run-root', runRoot], io)).toBe(2);
    expect(io.text().stderr).toMatch(/zerotier agent of m1 does not answer/);
    expect(io.text().stderr).toMatch(/flatlab up topologies\/zerotier-mesh.yml/);
  });

  it('rejects a node that is not a member, with a suggestion', async () => {
    const io = memoryIO();
    expect(await main(['zt', 'peers', 'topologies/zerotier-mesh.yml', 'm9', '--run-root', runRoot], io)).toBe(2);
    expect(io.text().stderr).toMatch(/"m9" is not a zerotier member of zerotier-mesh/);
    const io2 = memoryIO();
    expect(await main(['zt', 'deauthorize', 'topologies/zerotier-mesh.yml', 'ctl', '--run-root', runRoot], io2)).toBe(2);
    expect(io2.text().stderr).toMatch(/"ctl" is not a zerotier member/);
  });

  it('an agent config that is not one is a typed error (exit 2)', async () => {
    const io = memoryIO();
    expect(await main(['zt', 'agent', '--config', 'topologies/zerotier-mesh.yml', '--run', runRoot], io)).toBe(2);
    expect(io.text().stderr).toMatch(/zerotier-mesh.yml: .*(role|Invalid)/);
  });

  it('the sim scenarios of the lab pass', async () => {
    const io = memoryIO();
    const code = await main(['run', 'scenarios/zerotier-mesh/01-join-and-address.yml', 'scenarios/zerotier-mesh/02-deauthorize-membership.yml'], io);
    expect(io.text().stdout).toContain('2/2 scenarios passed');
    expect(code).toBe(0);
  });

  it('the packet scenarios say which runtime they need on sim', async () => {
    const io = memoryIO();
    const code = await main(['run', 'scenarios/zerotier-mesh/05-underlay-failure.yml', '--runtime', 'sim'], io);
    expect(code).toBe(1);
    expect(io.text().stdout).toMatch(/--runtime netns/);
  });
});
