/**
 * Our Hesiod server against BIND's dig: HS and IN queries over UDP and TCP, EDNS and TC,
 * AXFR with TSIG (accepted with the right key, refused with a wrong one), BADVERS, NOTIMP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTransferAcl } from '../../src/dns/server/access.js';
import { startHesiodDaemon, type HesiodDaemon } from '../../src/dns/server/hesiod-daemon.js';
import { parseTsigKeySpec } from '../../src/dns/wire/tsig.js';
import { runHesinfo } from '../../src/cli/hesinfo.js';
import { memoryIO } from '../../src/cli/io.js';
import { needTools } from '../support/need-tools.js';

const reason = needTools(['dig']);
const SECRET256 = Buffer.from('flatlab-test-secret-for-sha256!!').toString('base64');
const SECRET512 = Buffer.from('flatlab-test-secret-for-sha512-which-is-longer-than-the-other').toString('base64');
const BIG = Array.from({ length: 30 }, (_, i) => `"big-string-${String(i).padStart(2, '0')}-${'x'.repeat(40)}"`).join(' ');

export const HESIOD_TEST_ZONE = `$ORIGIN ns.example.org.
$TTL 3600
@ HS SOA ns1.ns.example.org. hostmaster.ns.example.org. ( 2024010101 3600 600 86400 300 )
@ HS NS ns1.ns.example.org.
ns1 HS A 127.0.0.1
jdoe.passwd HS TXT "jdoe:*:1001:1001:Jane Doe:/home/jdoe:/bin/bash"
1001.uid HS CNAME jdoe.passwd
staff.group HS TXT "staff:*:50:jdoe,asmith"
big.txt HS TXT ${BIG}
`;

describe.skipIf(reason)('flatlab hesiod with dig', () => {
  let dir: string;
  let daemon: HesiodDaemon;
  let port: number;
  const dig = async (...args: string[]) => (await execa('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args], { reject: false })).stdout;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fl-hesiod-dig-'));
    writeFileSync(join(dir, 'ns.zone'), HESIOD_TEST_ZONE);
    daemon = await startHesiodDaemon(
      {
        sources: [{ kind: 'zone', file: join(dir, 'ns.zone') }],
        listen: [{ host: '127.0.0.1', port: 0 }],
        tsigKeys: [parseTsigKeySpec(`xfr-key:hmac-sha256:${SECRET256}`), parseTsigKeySpec(`hmac-sha512:big-key:${SECRET512}`)],
        transferAcl: parseTransferAcl(['192.0.2.0/24']),
        logQueries: false,
        hsAlsoIn: true,
        version: 'test',
      },
      { logger: pino({ level: 'silent' }), now: () => new Date() },
    );
    port = daemon.dns.udp[0]?.port ?? 0;
  });
  afterAll(async () => {
    await daemon?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers an HS TXT query authoritatively (dig -c HS -t TXT, per the dig 9.18 quirk)', async () => {
    const out = await dig('-c', 'HS', '-t', 'TXT', 'jdoe.passwd.ns.example.org');
    expect(out).toContain('status: NOERROR');
    expect(out).toMatch(/flags: qr aa rd;/);
    expect(out).toMatch(/jdoe\.passwd\.ns\.example\.org\.\s+3600\s+HS\s+TXT\s+"jdoe:\*:1001:1001:Jane Doe:\/home\/jdoe:\/bin\/bash"/);
  });

  it('answers the same name in class IN over TCP, following the uid CNAME', async () => {
    const out = await dig('+tcp', '-t', 'TXT', '1001.uid.ns.example.org');
    expect(out).toContain('(TCP)');
    expect(out).toMatch(/1001\.uid\.ns\.example\.org\.\s+3600\s+IN\s+CNAME\s+jdoe\.passwd\.ns\.example\.org\./);
    expect(out).toContain('"jdoe:*:1001:1001:Jane Doe:/home/jdoe:/bin/bash"');
  });

  it('NXDOMAIN with the SOA, REFUSED outside the zone', async () => {
    expect(await dig('-c', 'HS', '-t', 'TXT', 'nobody.passwd.ns.example.org')).toMatch(/status: NXDOMAIN[\s\S]*AUTHORITY SECTION:\nns\.example\.org\.\s+300\s+HS\s+SOA/);
    expect(await dig('-t', 'A', 'www.example.com')).toContain('status: REFUSED');
  });

  it('sets TC at bufsize 512 on a large TXT set and answers it over TCP', async () => {
    const udp = await dig('+bufsize=512', '+ignore', '-c', 'HS', '-t', 'TXT', 'big.txt.ns.example.org');
    expect(udp).toMatch(/flags: qr aa tc rd;/);
    const retried = await dig('+bufsize=512', '-c', 'HS', '-t', 'TXT', 'big.txt.ns.example.org');
    expect(retried).toContain('Truncated, retrying in TCP mode');
    expect(retried).toContain('big-string-29');
  });

  it('answers BADVERS to EDNS version 1 and NOTIMP to an unknown opcode', async () => {
    expect(await dig('+edns=1', '+noednsnegotiation', '-c', 'HS', '-t', 'TXT', 'jdoe.passwd.ns.example.org')).toContain('status: BADVERS');
    expect(await dig('+opcode=3', '-c', 'HS', '-t', 'TXT', 'jdoe.passwd.ns.example.org')).toContain('status: NOTIMP');
  });

  it('transfers the zone to dig -y with the right hmac-sha256 key, SOA first and last', async () => {
    const out = await dig('-y', `hmac-sha256:xfr-key:${SECRET256}`, '-c', 'HS', '-t', 'AXFR', 'ns.example.org');
    const records = out.split('\n').filter((l) => l && !l.startsWith(';'));
    expect(records[0]).toMatch(/\tSOA\t/);
    expect(records.filter((l) => /\tSOA\t/.test(l))).toHaveLength(2);
    expect(records.filter((l) => /\tTSIG\t/.test(l)).length).toBeGreaterThan(0);
    expect(out).not.toContain('Transfer failed');
    expect(records.some((l) => l.includes('jdoe:*:1001'))).toBe(true);
  });

  it('signs the answer to a signed ordinary query, which dig verifies', async () => {
    const out = await dig('-y', `hmac-sha256:xfr-key:${SECRET256}`, '-c', 'HS', '-t', 'TXT', 'jdoe.passwd.ns.example.org');
    expect(out).toContain('status: NOERROR');
    expect(out).toMatch(/TSIG PSEUDOSECTION:\nxfr-key\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 32 \S+ \d+ NOERROR 0/);
    expect(out).not.toMatch(/tsig verify failure|expected a TSIG/i);
  });

  it('transfers with hmac-sha512 too', async () => {
    const out = await dig('-y', `hmac-sha512:big-key:${SECRET512}`, 'AXFR', 'ns.example.org');
    expect(out.split('\n').filter((l) => /\tSOA\t/.test(l))).toHaveLength(2);
    expect(out).not.toMatch(/Transfer failed|tsig verify failure/);
  });

  it('refuses the transfer with a wrong secret, an unknown key, or no key outside the ACL', async () => {
    const wrong = await dig('-y', `hmac-sha256:xfr-key:${Buffer.from('not the secret').toString('base64')}`, 'AXFR', 'ns.example.org');
    expect(wrong).not.toMatch(/\tSOA\t/);
    expect(wrong).toMatch(/Transfer failed|tsig verify failure|NOTAUTH/i);
    const unknown = await dig('-y', `hmac-sha256:other-key:${SECRET256}`, 'AXFR', 'ns.example.org');
    expect(unknown).not.toMatch(/\tSOA\t/);
    const none = await dig('AXFR', 'ns.example.org');
    expect(none).toContain('Transfer failed');
  });

  it('reloads on a NOTIFY signed with our key, refuses an unsigned one (dig +opcode=notify)', async () => {
    const file = join(dir, 'ns.zone');
    writeFileSync(file, HESIOD_TEST_ZONE.replace('2024010101', '2024010102'));
    expect(await dig('+opcode=notify', '-c', 'HS', '-t', 'SOA', 'ns.example.org')).toContain('status: REFUSED');
    expect(daemon.store.served()[0]?.serial).toBe(2024010101);
    const out = await dig('+opcode=notify', '-y', `hmac-sha256:xfr-key:${SECRET256}`, '-c', 'HS', '-t', 'SOA', 'ns.example.org');
    expect(out).toMatch(/opcode: NOTIFY, status: NOERROR/);
    for (let i = 0; i < 100 && daemon.store.served()[0]?.serial !== 2024010102; i++) await new Promise((r) => setTimeout(r, 20));
    expect(daemon.store.served()[0]?.serial).toBe(2024010102);
    expect(await dig('-c', 'HS', '-t', 'SOA', 'ns.example.org', '+short')).toContain('2024010102');
  });

  it('flatlab hesinfo prints what dig finds', async () => {
    const io = memoryIO();
    const code = await runHesinfo('jdoe', 'passwd', { server: `127.0.0.1:${port}`, lhs: '.ns', rhs: '.example.org' }, io);
    expect(io.text().stderr).toBe('');
    expect(code).toBe(0);
    expect(io.text().stdout).toBe('jdoe:*:1001:1001:Jane Doe:/home/jdoe:/bin/bash\n');
    const missing = memoryIO();
    expect(await runHesinfo('nobody', 'passwd', { server: `127.0.0.1:${port}`, lhs: '.ns', rhs: '.example.org' }, missing)).toBe(1);
    expect(missing.text().stderr).toContain('Hesiod name not found');
  });
});
