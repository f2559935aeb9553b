import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeBgp4mp } from '../../src/bgp/mrt/bgp4mp.js';
import { encodeMrtRecord } from '../../src/bgp/mrt/record.js';
import { runMrtDump } from '../../src/cli/mrt.js';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'mrt', 'bird-static.mrt');

function lines(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

describe('flatlab mrt dump', () => {
  it('decodes the BIRD 2.0 table dump fixture (test/fixtures/mrt/bird-static.conf)', async () => {
    const io = memoryIO();
    expect(await main(['mrt', 'dump', FIXTURE, '--json'], io)).toBe(0);
    const out = lines(io.text().stdout);
    expect(out.map((l) => l.subtype)).toEqual(['PEER_INDEX_TABLE', 'RIB_IPV4_UNICAST', 'RIB_IPV4_UNICAST', 'PEER_INDEX_TABLE', 'RIB_IPV6_UNICAST']);
    expect(out[0]).toMatchObject({ collectorBgpId: '192.0.2.1', viewName: 'master4' });
    expect(out[1]).toMatchObject({ prefix: '10.1.0.0/24', attributes: { origin: 0, asPath: [{ type: 2, asns: [65001, 65002] }], nextHop: '192.0.2.10', med: 50, communities: [65000 * 65536 + 1] } });
    expect(out[2]).toMatchObject({ prefix: '10.2.0.0/16', attributes: { origin: 2, asPath: [{ type: 2, asns: [4200000001] }], largeCommunities: [[4200000001, 1, 2]] } });
    expect(out[4]).toMatchObject({ prefix: '2001:db8:1::/48', attributes: { asPath: [{ type: 2, asns: [65003] }], mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::10' } } });
    expect(out.every((l) => l.errors === undefined)).toBe(true);
  });

  it('prints bgpdump -m style lines without --json', async () => {
    const io = memoryIO();
    expect(await main(['mrt', 'dump', FIXTURE], io)).toBe(0);
    expect(io.text().stdout.split('\n')[0]).toBe(`TABLE_DUMP2|${readFileSync(FIXTURE).readUInt32BE(0)}|B|::|0|10.1.0.0/24|65001 65002|IGP|192.0.2.10|0|50|65000:1|NAG||`);
  });

  it('reads gzip from stdin', async () => {
    const io = memoryIO();
    expect(await runMrtDump('-', { json: true }, io, { stdin: once(gzipSync(readFileSync(FIXTURE))) })).toBe(0);
    expect(lines(io.text().stdout)).toHaveLength(5);
  });

  it('refuses bzip2 with the command that decompresses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mrt-'));
    writeFileSync(join(dir, 'rib.bz2'), Buffer.from('BZh91AY&SY'));
    const io = memoryIO(dir);
    expect(await main(['mrt', 'dump', 'rib.bz2'], io)).toBe(2);
    expect(io.text().stderr).toMatch(/bzip2.*\[mrt\.bzip2\][\s\S]*bunzip2 -k rib\.bz2/);
  });

  it('a gzip file that stops short prints the records before the cut, then says it is cut or still being written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mrt-'));
    const gz = gzipSync(Buffer.concat(Array.from({ length: 3000 }, () => readFileSync(FIXTURE))));
    writeFileSync(join(dir, 'updates.mrt.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const io = memoryIO(dir);
    expect(await main(['mrt', 'dump', 'updates.mrt.gz'], io)).toBe(2);
    expect(io.text().stdout.split('\n').length).toBeGreaterThan(100);
    expect(io.text().stderr).toContain('updates.mrt.gz ends inside its gzip stream (unexpected end of file); the records before the cut were printed [mrt.gzip-truncated]');
    expect(io.text().stderr).toContain('still being written');
  });

  it('a truncated file exits 2 naming the byte offset of the cut record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mrt-'));
    const whole = readFileSync(FIXTURE);
    writeFileSync(join(dir, 'cut.mrt'), whole.subarray(0, 100));
    const io = memoryIO(dir);
    expect(await main(['mrt', 'dump', 'cut.mrt', '--json'], io)).toBe(2);
    expect(io.text().stderr).toMatch(/runs past end of input.*at byte offset 52 \[MRT_DECODE\]/);
    expect(lines(io.text().stdout)).toHaveLength(1); // the peer table before the cut was printed
  });

  it('--keep-going reports a corrupt record body and reads on (exit 1); unknown subtypes are lines, not errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mrt-'));
    const corrupt = encodeMrtRecord({ timestamp: 1, type: 13, subtype: 2, microseconds: undefined, message: Uint8Array.from([0, 0, 0, 0, 40]) });
    const odd = encodeMrtRecord({ timestamp: 2, type: 13, subtype: 77, microseconds: undefined, message: Uint8Array.from([0xab]) });
    const state = encodeMrtRecord({
      timestamp: 3, type: 17, subtype: 5, microseconds: 9,
      message: encodeBgp4mp({ subtype: 5, peerAs: 65001, localAs: 65000, interfaceIndex: 0, afi: 1, peerIp: Uint8Array.from([192, 0, 2, 1]), localIp: Uint8Array.from([192, 0, 2, 2]), state: { old: 5, new: 6 } }),
    });
    writeFileSync(join(dir, 'bad.mrt'), Buffer.concat([corrupt, odd, state]));
    const stop = memoryIO(dir);
    expect(await main(['mrt', 'dump', 'bad.mrt', '--json'], stop)).toBe(2);
    expect(stop.text().stderr).toMatch(/prefix length 40 > 32 at byte offset 0/);
    const io = memoryIO(dir);
    expect(await main(['mrt', 'dump', 'bad.mrt', '--json', '--keep-going'], io)).toBe(1);
    const out = lines(io.text().stdout);
    expect(out[0]).toMatchObject({ offset: 0, error: expect.stringMatching(/prefix length 40/) });
    expect(out[1]).toMatchObject({ offset: corrupt.length, unknown: true, subtype: 77, hex: 'ab' });
    expect(out[2]).toMatchObject({ mrtType: 'BGP4MP_ET', subtype: 'STATE_CHANGE_AS4', microseconds: 9, peerIp: '192.0.2.1', peerAs: 65001, oldState: 'OpenConfirm', newState: 'Established' });
  });

  it('decodes BGP4MP MESSAGE (2-octet AS) UPDATEs with the wire codec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mrt-'));
    // UPDATE: ORIGIN IGP, AS_PATH [65001 65002] as 2-octet ASNs, NEXT_HOP 192.0.2.1, NLRI 10.0.0.0/8.
    const attrs = [0x40, 1, 1, 0, 0x40, 2, 6, 2, 2, 0xfd, 0xe9, 0xfd, 0xea, 0x40, 3, 4, 192, 0, 2, 1];
    const body = [0, 0, 0, attrs.length, ...attrs, 8, 10];
    const update = Uint8Array.from([...new Array<number>(16).fill(0xff), 0, 19 + body.length, 2, ...body]);
    const rec = encodeMrtRecord({ timestamp: 5, type: 16, subtype: 1, microseconds: undefined, message: encodeBgp4mp({ subtype: 1, peerAs: 65001, localAs: 65000, interfaceIndex: 0, afi: 1, peerIp: Uint8Array.from([192, 0, 2, 1]), localIp: Uint8Array.from([192, 0, 2, 2]), bgpMessage: update }) });
    writeFileSync(join(dir, 'upd.mrt'), rec);
    const io = memoryIO(dir);
    expect(await main(['mrt', 'dump', 'upd.mrt', '--json'], io)).toBe(0);
    expect(lines(io.text().stdout)[0]).toMatchObject({ subtype: 'MESSAGE', message: { type: 'UPDATE', nlri: [{ prefix: '10.0.0.0/8' }], attributes: { asPath: [{ type: 2, asns: [65001, 65002] }] } } });
    const text = memoryIO(dir);
    expect(await main(['mrt', 'dump', 'upd.mrt'], text)).toBe(0);
    expect(text.text().stdout).toBe('BGP4MP|5|A|192.0.2.1|65001|10.0.0.0/8|65001 65002|IGP|192.0.2.1|0|0||NAG||\n');
  });
});
