/**
 * RFC 7606 against real malformed UPDATEs: ExaBGP sends attributes given as raw bytes
 * (`attribute [ CODE FLAGS 0xVALUE ]`, which replaces the attribute ExaBGP would build) to
 * flatlab bgpd. Each case first announces the prefix well-formed, then malformed: a
 * treat-as-withdraw error must remove the route, an attribute-discard error must keep it,
 * and in every case the session stays up, no NOTIFICATION is sent, and the error is logged.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { needTools } from '../support/need-tools.js';
import { createNet, flatlabRoute, startExabgp, startFlatlabBgpd, stopStarted, waitEstablished, waitFor, type Exabgp, type FlatlabBgpd, type TestNet } from '../support/daemons.js';

const reason = needTools(['ip', 'exabgp'], { root: true });

interface MalformedCase {
  name: string;
  /** ExaBGP's generic attribute: code, flags, value. */
  attribute: string;
  /**
   * The well-formed route's keyword this replaces: ExaBGP keeps an attribute it builds itself
   * over a raw one of the same code, so the keyword is left out of the malformed announcement.
   */
  replaces?: 'origin' | 'as-path' | 'med';
  disposition: 'treat-as-withdraw' | 'attribute-discard';
  /** RFC 7606 section that decides. */
  rfc: string;
}

const CASES: MalformedCase[] = [
  { name: 'ORIGIN with an undefined value (5)', attribute: '0x01 0x40 0x05', replaces: 'origin', disposition: 'treat-as-withdraw', rfc: '§7.1' },
  { name: 'MULTI_EXIT_DISC of 3 octets', attribute: '0x04 0x80 0x000032', replaces: 'med', disposition: 'treat-as-withdraw', rfc: '§7.4' },
  { name: 'COMMUNITIES whose length is not a multiple of 4', attribute: '0x08 0xc0 0xfde80064fd', disposition: 'treat-as-withdraw', rfc: '§7.8' },
  { name: 'AS_PATH with an undefined segment type (5)', attribute: '0x02 0x40 0x05010000fded', replaces: 'as-path', disposition: 'treat-as-withdraw', rfc: '§7.2' },
  { name: 'AS_PATH whose segment overruns the attribute', attribute: '0x02 0x40 0x02030000fded', replaces: 'as-path', disposition: 'treat-as-withdraw', rfc: '§7.2' },
  { name: 'ATOMIC_AGGREGATE of 1 octet', attribute: '0x06 0x40 0x01', disposition: 'attribute-discard', rfc: '§7.6' },
];

describe.skipIf(reason)('RFC 7606: ExaBGP sends malformed attributes to flatlab bgpd', () => {
  let net: TestNet;
  let dir: string;
  let flatlab: FlatlabBgpd;
  let exabgp: Exabgp;
  /** ExaBGP's and flatlab's addresses per family (one session each). */
  let exa: { 4: string; 6: string };
  let fl: { 4: string; 6: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatlab-rfc7606-'));
    chmodSync(dir, 0o755);
    net = await createNet({ tag: 'r7606', subnet: 76, nodes: ['fl', 'exa'], links: [['fl', 'exa']] });
    exa = { 4: net.address('exa', 'fl', 4), 6: net.address('exa', 'fl', 6) };
    fl = { 4: net.address('fl', 'exa', 4), 6: net.address('fl', 'exa', 6) };
    const neighbor = (f: 4 | 6) => `neighbor ${fl[f]} {
  router-id ${exa[4]};
  local-address ${exa[f]};
  local-as 65005;
  peer-as 65001;
  hold-time 9;
  family { ipv${f} unicast; }
  api { processes [ api-commands, api-receiver ]; receive { parsed; notification; } }
}
`;
    [flatlab, exabgp] = await Promise.all([
      startFlatlabBgpd(net.ns('fl'), join(dir, 'fl'), `router-id: ${fl[4]}
asn: 65001
listen: { address: ["${fl[4]}", "${fl[6]}"], port: 179 }
peers:
  - { name: exa4, address: "${exa[4]}", remote-as: 65005, local-address: "${fl[4]}", families: [ipv4], import: all, export: all, hold-time: 9, connect-retry: 1 }
  - { name: exa6, address: "${exa[6]}", remote-as: 65005, local-address: "${fl[6]}", families: [ipv6], import: all, export: all, hold-time: 9, connect-retry: 1 }
`),
      startExabgp(net.ns('exa'), join(dir, 'exa'), neighbor(4) + neighbor(6)),
    ]);
    await Promise.all([waitEstablished(flatlab, 'exa4'), waitEstablished(flatlab, 'exa6')]);
  }, 120_000);

  afterAll(async () => {
    await stopStarted();
    await net?.destroy();
    if (dir && !process.env.FLATLAB_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.warn(`logs kept in ${dir}`);
  }, 60_000);

  const errors = () => flatlab.events().filter((e) => e.msg === 'update-error');
  const notifications = () => flatlab.events().filter((e) => e.msg === 'notification-sent' || e.msg === 'notification-received');

  for (const f of [4, 6] as const) {
    CASES.forEach((c, i) => {
      test(`IPv${f}: ${c.name} → ${c.disposition} (RFC 7606 ${c.rfc}), session kept`, async () => {
        // IPv6 routes travel in MP_REACH_NLRI: treat-as-withdraw covers those NLRI too (RFC 7606 §2, "or in the MP_UNREACH_NLRI attribute").
        const prefix = f === 4 ? `10.99.${i}.0/24` : `2001:db8:99:${i}::/64`;
        const peer = `exa${f}`;
        const parts = { origin: 'origin igp', 'as-path': 'as-path [ 65005 ]', med: 'med 10' };
        const route = (without?: keyof typeof parts) => `neighbor ${fl[f]} announce route ${prefix} next-hop ${exa[f]} ${Object.entries(parts).filter(([k]) => k !== without).map(([, v]) => v).join(' ')}`;
        exabgp.send(route());
        await waitFor(`${prefix} well-formed in flatlab`, () => flatlabRoute(flatlab, prefix));
        const seen = errors().length;
        exabgp.send(`${route(c.replaces)} attribute [ ${c.attribute} ]`);
        const logged = await waitFor(`flatlab logs the error for ${prefix}`, () => (errors().length > seen ? errors().slice(seen) : undefined), { last: () => errors().slice(seen) });
        expect(logged.map((e) => ({ peer: e.peer, disposition: e.disposition }))).toEqual([{ peer, disposition: c.disposition }]);
        if (c.disposition === 'treat-as-withdraw') {
          await waitFor(`${prefix} withdrawn from flatlab`, async () => ((await flatlabRoute(flatlab, prefix)) ? undefined : true));
        } else {
          // The attribute goes, the route stays (with the attributes that were well-formed).
          const r = await flatlabRoute(flatlab, prefix);
          expect(r?.med).toBe(10);
        }
        const n = (await flatlab.get<Array<{ name: string; state: string }>>('/neighbors')).find((x) => x.name === peer);
        expect(n?.state).toBe('Established');
        expect(notifications()).toEqual([]);
      }, 60_000);
    });
  }

  test('the session still carries routes after every malformed UPDATE', async () => {
    exabgp.send(`neighbor ${fl[4]} announce route 10.99.200.0/24 next-hop ${exa[4]} origin igp as-path [ 65005 ]`);
    const r = await waitFor('a well-formed route after the errors', () => flatlabRoute(flatlab, '10.99.200.0/24'));
    expect(r.asPath).toEqual([65005]);
    expect(notifications()).toEqual([]);
  }, 60_000);
});
