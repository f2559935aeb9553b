import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configWriters } from '../../../src/emit/config-writers.js';
import { SimRuntime } from '../../../src/runtime/sim/sim-runtime.js';
import { compiledLab } from '../../support/compiled-lab.js';

// The node's zone as the Hesiod writer would write it (the real writer is checked elsewhere).
const writers = { ...configWriters, hesiod: (_lab: unknown, node: { config: Record<string, unknown> }) => [{ path: 'hesiod.zone', content: String(node.config.zone) }] };

async function up(rt: SimRuntime) {
  const lab = await compiledLab(join(import.meta.dirname, 'fixtures/dns.yml'));
  await rt.up(lab);
  return lab;
}

describe('SimRuntime DNS', () => {
  it('answers from the server node\'s zone through the lab\'s forwarding', async () => {
    const rt = new SimRuntime({ writers: writers as never });
    await up(rt);
    const txt = await rt.dnsQuery('client', { name: 'jdoe.passwd.ns.example.org', type: 'TXT' });
    expect(txt).toMatchObject({ rcode: 'NOERROR', answers: [{ type: 'TXT', data: 'jdoe:*:1000:1000:Jane Doe:/home/jdoe:/bin/sh' }] });
    expect(await rt.dnsQuery('client', { name: 'nobody.passwd.ns.example.org', type: 'TXT' })).toMatchObject({ rcode: 'NXDOMAIN', answers: [] });
    expect((await rt.dnsQuery('client', { name: 'www.ns.example.org', type: 'AAAA' })).answers[0]?.data).toBe('2001:db8::80');
    expect((await rt.dnsQuery('client', { name: 'example.com', type: 'A' })).rcode).toBe('REFUSED');
  });

  it('times out when the server is stopped or cut off', async () => {
    const rt = new SimRuntime({ writers: writers as never });
    await up(rt);
    await rt.setLinkState({ index: 1 }, 'down');
    expect((await rt.dnsQuery('client', { name: 'www.ns.example.org', type: 'AAAA' })).rcode).toBe('TIMEOUT');
    await rt.setLinkState({ index: 1 }, 'up');
    await rt.stopNode('ns1');
    expect((await rt.dnsQuery('client', { name: 'www.ns.example.org', type: 'AAAA' })).rcode).toBe('TIMEOUT');
    await rt.startNode('ns1');
    expect((await rt.dnsQuery('client', { name: 'www.ns.example.org', type: 'AAAA' })).rcode).toBe('NOERROR');
  });
});
