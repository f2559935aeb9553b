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
  let exa: string;
  let fl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatlab-rfc7606-'));
    chmodSync(dir, 0o755);
    net = await createNet({ tag: 'r7606', subnet: 76, nodes: ['fl', 'exa'], links: [['fl', 'exa']] });
    exa = net.address('exa', 'fl', 4);
    fl = net.address('fl', 'exa', 4);
    [flatlab, exabgp] = await Promise.all([
      startFlatlabBgpd(net.ns('fl'), join(dir, 'fl'), `router-id: ${fl}
asn: 65001
listen: { address: ["${fl}"], port: 179 }
peers:
  - { name: exa, address: "${exa}", remote-as: 65005, local-address: "${fl}", import: all, export: all, hold-time: 9, connect-retry: 1 }
`),
      startExabgp(net.ns('exa'), join(dir, 'exa'), `neighbor ${fl} {
  router-id ${exa};
  local-address ${exa};
  local-as 65005;
  peer-as 65001;
  hold-time 9;
  family { ipv4 unicast; }
  api { processes [ api-commands, api-receiver ]; receive { parsed; notification; } }
}
`),
    ]);
    await waitEstablished(flatlab, 'exa');
  }, 120_000);

  afterAll(async () => {
    await stopStarted();
    await net?.destroy();
    if (dir && !process.env.FLATLAB_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.warn(`logs kept in ${dir}`);
  }, 60_000);

  const errors = () => flatlab.events().filter((e) => e.msg === 'update-error');
  const notifications = () => flatlab.events().filter((e) => e.msg === 'notification-sent' || e.msg === 'notification-received');

  CASES.forEach((c, i) => {
    test(`${c.name} → ${c.disposition} (RFC 7606 ${c.rfc}), session kept`, async () => {
      const prefix = `10.99.${i}.0/24`;
      const parts = { origin: 'origin igp', 'as-path': 'as-path [ 65005 ]', med: 'med 10' };
      const route = (without?: keyof typeof parts) => `announce route ${prefix} next-hop ${exa} ${Object.entries(parts).filter(([k]) => k !== without).map(([, v]) => v).join(' ')}`;
      exabgp.send(route());
      await waitFor(`${prefix} well-formed in flatlab`, () => flatlabRoute(flatlab, prefix));
      const seen = errors().length;
      exabgp.send(`${route(c.replaces)} attribute [ ${c.attribute} ]`);
      const logged = await waitFor(`flatlab logs the error for ${prefix}`, () => (errors().length > seen ? errors().slice(seen) : undefined), { last: () => errors().slice(seen) });
      expect(logged.map((e) => ({ peer: e.peer, disposition: e.disposition }))).toEqual([{ peer: 'exa', disposition: c.disposition }]);
      if (c.disposition === 'treat-as-withdraw') {
        await waitFor(`${prefix} withdrawn from flatlab`, async () => ((await flatlabRoute(flatlab, prefix)) ? undefined : true));
      } else {
        // The attribute goes, the route stays (with the attributes that were well-formed).
        const r = await flatlabRoute(flatlab, prefix);
        expect(r?.med).toBe(10);
      }
      const [n] = await flatlab.get<Array<{ state: string }>>('/neighbors');
      expect(n?.state).toBe('Established');
      expect(notifications()).toEqual([]);
    }, 60_000);
  });

  test('the session still carries routes after every malformed UPDATE', async () => {
    exabgp.send(`announce route 10.99.200.0/24 next-hop ${exa} origin igp as-path [ 65005 ]`);
    const r = await waitFor('a well-formed route after the errors', () => flatlabRoute(flatlab, '10.99.200.0/24'));
    expect(r.asPath).toEqual([65005]);
    expect(notifications()).toEqual([]);
  }, 60_000);
});
