/** `flatlab bgp decode`, run in-process: JSON out, exit 1 with the NOTIFICATION for invalid messages, exit 2 for unusable input. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { memoryIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const M = 'ff'.repeat(16);
const UPDATE = `${M} 0050 02 0000 0035 40010100 40020a020200 00fde90000fdea 400304c0000201 80040400000064 c00804fde80064 c0200c0000fde80000000100000002 18cb0071`;

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; json: Record<string, unknown> | undefined }> {
  const io = memoryIO();
  const code = await main(['bgp', 'decode', ...argv], io);
  const { stdout, stderr } = io.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}

describe('flatlab bgp decode', () => {
  test('an UPDATE decodes to JSON with RFC field names', async () => {
    const r = await run(UPDATE.replace(/ /g, ''));
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      type: 'UPDATE',
      withdrawn: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns: [65001, 65002] }], nextHop: '192.0.2.1', med: 100, communities: [4259840100], largeCommunities: [[65000, 1, 2]] },
      nlri: [{ prefix: '203.0.113.0/24' }],
      length: 80,
      treatAsWithdraw: false,
      errors: [],
    });
  });

  test('@file with hex text (spaces allowed) and with raw bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatlab-bgp-'));
    writeFileSync(join(dir, 'm.hex'), `${UPDATE}\n`);
    writeFileSync(join(dir, 'm.bin'), Buffer.from(UPDATE.replace(/ /g, ''), 'hex'));
    expect((await run(`@${join(dir, 'm.hex')}`)).json?.length).toBe(80);
    expect((await run(`@${join(dir, 'm.bin')}`)).json?.length).toBe(80);
  });

  test('byte arrays print as hex; NOTIFICATION codes get their names and the shutdown text', async () => {
    const r = await run(`${M}0019030602036279 65`.replace(/ /g, ''));
    expect(r.json).toEqual({ type: 'NOTIFICATION', code: 6, codeName: 'Cease', subcode: 2, subcodeName: 'Administrative Shutdown', data: '03627965', shutdownCommunication: 'bye', length: 25 });
  });

  test('--two-octet-as merges AS4_PATH; without it the AS4_PATH is ignored on a 4-octet reading', async () => {
    const hex = `${M}003a0200000021 40010100 4002060202fde95ba0 400304c0000201 c0110a02020000fde9fa56ea00 080a`.replace(/ /g, '');
    const two = await run(hex, '--two-octet-as');
    expect(two.code).toBe(0);
    expect((two.json?.attributes as { asPath: unknown }).asPath).toEqual([{ type: 2, asns: [65001, 4200000000] }]);
  });

  test('--add-path reads path identifiers; --ibgp keeps LOCAL_PREF', async () => {
    const hex = `${M}00330200000015 40010100 400200 400304c0000201 40050400000064 00000007100a01`.replace(/ /g, '');
    const r = await run(hex, '--add-path', 'ipv4-unicast', '--ibgp');
    expect(r.json?.nlri).toEqual([{ prefix: '10.1.0.0/16', pathId: 7 }]);
    expect((r.json?.attributes as { localPref: number }).localPref).toBe(100);
  });

  test('a treat-as-withdraw UPDATE exits 0 with its errors in the JSON and on stderr', async () => {
    const hex = `${M}0029020000000e 40010103 400200 400304c0000201 18cb0071`.replace(/ /g, '');
    const r = await run(hex);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ treatAsWithdraw: true, withdrawn: [{ prefix: '203.0.113.0/24' }], nlri: [], errors: [{ attribute: 'ORIGIN', disposition: 'treat-as-withdraw', code: 3, subcode: 6, subcodeName: 'Invalid ORIGIN Attribute', data: '40010103' }] });
    expect(r.stderr).toMatch(/ORIGIN.*treat-as-withdraw/);
  });

  test('an invalid message exits 1 with the NOTIFICATION as JSON and one line on stderr', async () => {
    const r = await run(`${M}001204`);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ type: 'NOTIFICATION', code: 1, codeName: 'Message Header Error', subcode: 2, subcodeName: 'Bad Message Length', data: '0012', offset: 16 });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/would send NOTIFICATION 1\/2/);
  });

  test('an UPDATE with a bad NLRI exits 1 with Invalid Network Field', async () => {
    const r = await run(`${M}001c0200000000210a000000`);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ code: 3, subcode: 10, subcodeName: 'Invalid Network Field', disposition: 'session-reset' });
  });

  test.each([
    ['not hex', ['zz']],
    ['odd hex', ['fff']],
    ['an unreadable file', ['@/nonexistent/flatlab/msg']],
    ['an unknown family', ['ff', '--add-path', 'ipv4-unicst']],
  ])('%s exits 2 and writes nothing to stdout', async (_what, argv) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/flatlab: /);
  });
});
