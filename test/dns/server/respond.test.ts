import packet, { type Packet } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { parseTransferAcl } from '../../../src/dns/server/access.js';
import { answer, respond, type AnswerContext } from '../../../src/dns/server/respond.js';
import { buildZoneIndex } from '../../../src/dns/server/zone-index.js';
import { decodeMessage } from '../../../src/dns/wire/message.js';
import { parseTsigKeySpec, readTsig, signMessage, verifyResponse } from '../../../src/dns/wire/tsig.js';
import { decodeResponse, type LooseMessage } from './decoded.js';
import { hesiodZone, JDOE_PASSWD, ORIGIN } from './zone-fixture.js';

const index = buildZoneIndex([hesiodZone()]);
const ctx: AnswerContext = { index, transport: 'udp', nowSeconds: 1_700_000_000, client: '127.0.0.1' };

function query(name: string, type: string, klass = 'HS', extra: Partial<Packet> = {}): Buffer {
  return packet.encode({ id: 4242, type: 'query', flags: packet.RECURSION_DESIRED, questions: [{ name, type: type as 'TXT', class: klass as 'IN' }], ...extra });
}

function ask(name: string, type: string, klass = 'HS', extra: Partial<Packet> = {}, c: AnswerContext = ctx) {
  const out = answer(query(name, type, klass, extra), c);
  if (!out) throw new Error('no response');
  return decodeResponse(out);
}

const txtOf = (p: LooseMessage) => p.answers?.flatMap((a) => (a.type === 'TXT' ? (a.data as Buffer[]).map((b) => b.toString()) : [])) ?? [];

describe('answers from the Hesiod zone', () => {
  const table: Array<{ q: [string, string, string?]; rcode: string; aa: boolean; answers: number; authority?: string[] }> = [
    { q: [`jdoe.passwd.${ORIGIN}`, 'TXT'], rcode: 'NOERROR', aa: true, answers: 1 },
    { q: [`jdoe.passwd.${ORIGIN}`, 'TXT', 'IN'], rcode: 'NOERROR', aa: true, answers: 1 },
    { q: [`jdoe.passwd.${ORIGIN}`, 'TXT', 'ANY'], rcode: 'NOERROR', aa: true, answers: 1 },
    { q: [`jdoe.passwd.${ORIGIN}`, 'TXT', 'CH'], rcode: 'REFUSED', aa: false, answers: 0 },
    { q: [`jdoe.passwd.${ORIGIN}`, 'A'], rcode: 'NOERROR', aa: true, answers: 0, authority: ['SOA'] },
    { q: [`nobody.passwd.${ORIGIN}`, 'TXT'], rcode: 'NXDOMAIN', aa: true, answers: 0, authority: ['SOA'] },
    { q: [`b.c.${ORIGIN}`, 'TXT'], rcode: 'NOERROR', aa: true, answers: 0, authority: ['SOA'] },
    { q: ['www.example.com', 'A', 'IN'], rcode: 'REFUSED', aa: false, answers: 0 },
    { q: [`1001.uid.${ORIGIN}`, 'TXT'], rcode: 'NOERROR', aa: true, answers: 2 },
    { q: [`dangling.${ORIGIN}`, 'TXT'], rcode: 'NXDOMAIN', aa: true, answers: 1, authority: ['SOA'] },
    { q: [`outside.${ORIGIN}`, 'TXT'], rcode: 'NOERROR', aa: true, answers: 1 },
    { q: [`loop1.${ORIGIN}`, 'TXT'], rcode: 'NOERROR', aa: true, answers: 2 },
    { q: [`host.sub.${ORIGIN}`, 'A'], rcode: 'NOERROR', aa: false, answers: 0, authority: ['NS'] },
    { q: [`anything.wild.${ORIGIN}`, 'TXT'], rcode: 'NOERROR', aa: true, answers: 1 },
    { q: [`jdoe.passwd.${ORIGIN}`, 'ANY'], rcode: 'NOERROR', aa: true, answers: 1 },
    { q: [ORIGIN, 'SOA'], rcode: 'NOERROR', aa: true, answers: 1 },
  ];
  for (const row of table) {
    it(`${row.q.join(' ')} → ${row.rcode}, ${row.answers} answer(s)`, () => {
      const r = ask(row.q[0], row.q[1], row.q[2]);
      expect(r.id).toBe(4242);
      expect(r.rcode).toBe(row.rcode);
      expect(r.flag_aa).toBe(row.aa);
      expect(r.flag_ra).toBe(false);
      expect(r.flag_rd).toBe(true);
      expect(r.answers).toHaveLength(row.answers);
      if (row.authority) expect(r.authorities?.map((a) => a.type)).toEqual(row.authority);
    });
  }

  it('answers the passwd line in the query class, case echoed', () => {
    const r = ask(`JDoe.Passwd.${ORIGIN.toUpperCase()}`, 'TXT', 'IN');
    expect(txtOf(r)).toEqual([JDOE_PASSWD]);
    expect(r.answers?.[0]?.name).toBe(`JDoe.Passwd.${ORIGIN.toUpperCase()}`);
    expect((r.answers?.[0] as { class: string }).class).toBe('IN');
    expect(r.questions?.[0]?.name).toBe(`JDoe.Passwd.${ORIGIN.toUpperCase()}`);
  });

  it('negative answers carry the SOA with TTL min(SOA TTL, minimum) (RFC 2308 §3)', () => {
    const r = ask(`nobody.passwd.${ORIGIN}`, 'TXT');
    expect(r.authorities?.[0]?.ttl).toBe(300);
  });

  it('a referral has the child NS in authority and glue in additional', () => {
    const r = ask(`host.sub.${ORIGIN}`, 'A');
    expect(r.authorities?.[0]?.data).toBe(`ns.sub.${ORIGIN}`);
    expect(r.additionals?.map((a) => [a.name, a.data])).toEqual([[`ns.sub.${ORIGIN}`, '127.0.0.2']]);
  });

  it('a wildcard answer is owned by the query name (RFC 4592 §3.3.1)', () => {
    const r = ask(`x.wild.${ORIGIN}`, 'TXT');
    expect(r.answers?.[0]?.name).toBe(`x.wild.${ORIGIN}`);
    expect(txtOf(r)).toEqual(['wild']);
  });

  it('adds apex NS and glue in authority only when RD=0', () => {
    const r = ask(`jdoe.passwd.${ORIGIN}`, 'TXT', 'HS', { flags: 0 });
    expect(r.authorities?.map((a) => a.type)).toEqual(['NS']);
    expect(r.additionals?.map((a) => a.type)).toEqual(['A']);
  });
});

describe('RFC 8906 behaviour', () => {
  it('NOTIMP for an unknown opcode, question echoed', () => {
    const q = query(`jdoe.passwd.${ORIGIN}`, 'TXT');
    q.writeUInt16BE((q.readUInt16BE(2) & ~0x7800) | (3 << 11), 2);
    const r = decodeResponse(answer(q, ctx) as Buffer);
    expect(r.rcode).toBe('NOTIMP');
    expect(r.opcode).toBe('OPCODE_3');
    expect(r.questions).toHaveLength(1);
  });

  it('FORMERR for QDCOUNT 0 and 2', () => {
    const none = packet.encode({ id: 1, type: 'query', questions: [] });
    expect(decodeResponse(answer(none, ctx) as Buffer).rcode).toBe('FORMERR');
    const two = packet.encode({ id: 1, type: 'query', questions: [{ name: 'a', type: 'A' }, { name: 'b', type: 'A' }] });
    expect(decodeResponse(answer(two, ctx) as Buffer).rcode).toBe('FORMERR');
  });

  it('FORMERR when the header parses but the body does not; silence when the header does not', () => {
    const q = query(`jdoe.passwd.${ORIGIN}`, 'TXT');
    const cut = q.subarray(0, q.length - 3);
    const r = decodeResponse(answer(cut, ctx) as Buffer);
    expect(r.rcode).toBe('FORMERR');
    expect(r.id).toBe(4242);
    expect(answer(q.subarray(0, 11), ctx)).toBeNull();
  });

  it('never answers a response', () => {
    const q = query(`jdoe.passwd.${ORIGIN}`, 'TXT');
    q.writeUInt16BE(q.readUInt16BE(2) | 0x8000, 2);
    expect(answer(q, ctx)).toBeNull();
  });

  it('BADVERS for EDNS version 1, with our OPT', () => {
    const r = ask(`jdoe.passwd.${ORIGIN}`, 'TXT', 'HS', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, ednsVersion: 1 } as never] });
    const opt = r.additionals?.find((a) => a.type === 'OPT') as { extendedRcode: number; ednsVersion: number } | undefined;
    expect(opt?.extendedRcode).toBe(1); // 16 >> 4
    expect(opt?.ednsVersion).toBe(0);
    expect(r.answers).toHaveLength(0);
  });

  it('FORMERR for two OPT records', () => {
    const opt = { type: 'OPT', name: '.', udpPayloadSize: 4096 } as never;
    expect(ask(`jdoe.passwd.${ORIGIN}`, 'TXT', 'HS', { additionals: [opt, opt] }).rcode).toBe('FORMERR');
  });
});

describe('EDNS and truncation', () => {
  const big = `big.txt.${ORIGIN}`;
  it('sets TC without EDNS when the TXT set exceeds 512 bytes', () => {
    const r = ask(big, 'TXT');
    expect(r.flag_tc).toBe(true);
    expect(r.answers).toHaveLength(0);
  });
  it('sets TC at bufsize 1232 too for a 2.5 kB answer, keeps our OPT', () => {
    const r = ask(big, 'TXT', 'HS', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as never] });
    expect(r.flag_tc).toBe(true);
    expect(r.additionals?.[0]).toMatchObject({ type: 'OPT', udpPayloadSize: 1232 });
  });
  it('answers in full when we allow a larger payload', () => {
    const r = ask(big, 'TXT', 'HS', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as never] }, { ...ctx, maxUdpPayload: 4096 });
    expect(r.flag_tc).toBe(false);
    expect(txtOf(r)).toHaveLength(40);
  });
  it('answers in full over TCP', () => {
    const out = respond(query(big, 'TXT'), { ...ctx, transport: 'tcp' }).messages;
    expect(out).toHaveLength(1);
    expect(txtOf(decodeResponse(out[0] as Buffer))).toHaveLength(40);
  });
});

describe('AXFR', () => {
  it('is refused without ACL or key', () => {
    const r = respond(query(ORIGIN, 'AXFR'), { ...ctx, transport: 'tcp' });
    expect(decodeResponse(r.messages[0] as Buffer).rcode).toBe('REFUSED');
  });
  it('sends SOA first and last to an allowed address, every record once', () => {
    const r = respond(query(ORIGIN, 'AXFR'), { ...ctx, transport: 'tcp', transferAcl: parseTransferAcl(['127.0.0.0/8']) });
    const records = r.messages.flatMap((m) => decodeResponse(m).answers ?? []);
    expect(records[0]?.type).toBe('SOA');
    expect(records[records.length - 1]?.type).toBe('SOA');
    expect(records).toHaveLength(hesiodZone().records.length + 1);
  });
  it('is FORMERR over UDP and NOTAUTH for a name that is not a zone apex', () => {
    const acl = parseTransferAcl(['127.0.0.1']);
    expect(decodeResponse(answer(query(ORIGIN, 'AXFR'), { ...ctx, transferAcl: acl }) as Buffer).rcode).toBe('FORMERR');
    expect(decodeResponse(respond(query(`passwd.${ORIGIN}`, 'AXFR'), { ...ctx, transport: 'tcp', transferAcl: acl }).messages[0] as Buffer).rcode).toBe('NOTAUTH');
  });
  it('answers IXFR with a full AXFR-style transfer over TCP, and with the SOA alone over UDP (RFC 1995)', () => {
    const acl = parseTransferAcl(['127.0.0.1']);
    const tcp = respond(query(ORIGIN, 'IXFR'), { ...ctx, transport: 'tcp', transferAcl: acl }).messages.flatMap((m) => decodeResponse(m).answers ?? []);
    expect(tcp).toHaveLength(hesiodZone().records.length + 1);
    const udp = decodeResponse(answer(query(ORIGIN, 'IXFR'), { ...ctx, transferAcl: acl }) as Buffer);
    expect(udp.answers?.map((a) => a.type)).toEqual(['SOA']);
  });

  it('does not allow an address outside the ACL', () => {
    const r = respond(query(ORIGIN, 'AXFR'), { ...ctx, transport: 'tcp', client: '10.1.2.3', transferAcl: parseTransferAcl(['127.0.0.0/8', '::1']) });
    expect(decodeResponse(r.messages[0] as Buffer).rcode).toBe('REFUSED');
  });
});

describe('TSIG-signed AXFR of a zone that needs several messages', () => {
  const key = parseTsigKeySpec(`xfr:hmac-sha256:${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`);
  const many = Array.from({ length: 600 }, (_, i) => ({ name: `user${i}.passwd.${ORIGIN}`, type: 'TXT', class: 'HS' as const, ttl: 60, data: [Buffer.from(`user${i}:*:${1000 + i}:100:User ${i}:/home/user${i}:/bin/sh`)] }));
  const big = buildZoneIndex([hesiodZone(many)]);
  const now = 1_700_000_000;

  it('signs every message, chaining MACs (RFC 8945 §5.3.1), and carries every record', () => {
    const req = signMessage(query(ORIGIN, 'AXFR'), { key, nowSeconds: now });
    const r = respond(req.message, { index: big, transport: 'tcp', nowSeconds: now, tsigKeys: [key] });
    expect(r.messages.length).toBeGreaterThan(1);
    let prior = req.mac;
    let records = 0;
    for (const [i, m] of r.messages.entries()) {
      const msg = decodeMessage(m);
      expect(verifyResponse(msg, key, prior, { timersOnly: i > 0 })).toBe(true);
      prior = readTsig(msg)!.mac;
      records += msg.answers.length;
    }
    expect(records).toBe(hesiodZone(many).records.length + 1);
  });

  it('answers NOTAUTH/BADSIG with an empty MAC to a wrong key, BADTIME when the clock is off', () => {
    const wrong = signMessage(query(ORIGIN, 'AXFR'), { key: { ...key, secret: Buffer.from('nope') }, nowSeconds: now }).message;
    const bad = decodeMessage(respond(wrong, { index: big, transport: 'tcp', nowSeconds: now, tsigKeys: [key] }).messages[0]!);
    expect(bad.header.flags & 0xf).toBe(9);
    expect(readTsig(bad)).toMatchObject({ error: 16, mac: Buffer.alloc(0) });
    expect(bad.answers).toHaveLength(0);
    const late = signMessage(query(ORIGIN, 'AXFR'), { key, nowSeconds: now - 3600 }).message;
    const t = decodeMessage(respond(late, { index: big, transport: 'tcp', nowSeconds: now, tsigKeys: [key] }).messages[0]!);
    expect(readTsig(t)).toMatchObject({ error: 18 });
    expect(readTsig(t)!.otherData.readUIntBE(0, 6)).toBe(now);
  });
});
