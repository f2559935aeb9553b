/**
 * The ipv6-nat64 site on the containerlab runtime: TAYGA with its NAT44 pool in the locally
 * built flatlab/tayga image (TUN device and NET_ADMIN from clab.yml's devices and cap-add),
 * flatlab dns64 and hesiod in the flatlab image, the site edge's nftables and the web server's
 * busybox httpd started by the host image's boot line. Scenarios 01 (DNS64) and 02 (a page
 * fetched over NAT64) run through `flatlab run --runtime containerlab` on the containerlab
 * stand-in. Root + Docker; in CI a missing piece fails.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIO } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { needTools } from '../../support/need-tools.js';
import { dockerReason, FAKE_CONTAINERLAB, labContainers, removeLabContainers } from './docker-support.js';

const reason = dockerReason() ?? needTools(['tayga', 'npm']);
const root = join(import.meta.dirname, '../../..');

async function run(scenario: string) {
  const io = memoryIO(root);
  const code = await main(['run', `scenarios/ipv6-nat64/${scenario}`, '--runtime', 'containerlab'], io);
  return { code, ...io.text() };
}

describe.skipIf(reason)('ipv6-nat64 on containerlab (root + Docker)', () => {
  const saved = process.env.FLATLAB_CONTAINERLAB;
  beforeAll(() => {
    process.env.FLATLAB_CONTAINERLAB = FAKE_CONTAINERLAB;
  });
  afterAll(async () => {
    await main(['down', 'topologies/ipv6-nat64.yml', '--runtime', 'containerlab'], memoryIO(root));
    removeLabContainers('ipv6-nat64');
    if (saved === undefined) delete process.env.FLATLAB_CONTAINERLAB;
    else process.env.FLATLAB_CONTAINERLAB = saved;
  });

  it('01: DNS64 synthesizes for the IPv4-only name, keeps the dual-stack AAAA, answers ipv4only.arpa', async () => {
    const r = await run('01-dns64.yml');
    expect(r.stdout, r.stdout + r.stderr).toContain('1/1 scenario passed');
    expect(r.stdout).toContain('[containerlab]');
    expect(r.code).toBe(0);
    expect(labContainers('ipv6-nat64')).toEqual([]);
  }, 240_000);

  it('02: an IPv6-only client fetches the IPv4-only page through TAYGA and NAT44', async () => {
    const r = await run('02-fetch-over-nat64.yml');
    expect(r.stdout, r.stdout + r.stderr).toContain('1/1 scenario passed');
    expect(r.code).toBe(0);
    expect(labContainers('ipv6-nat64')).toEqual([]);
  }, 240_000);
});
