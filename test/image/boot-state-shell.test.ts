/**
 * Differential test: the initramfs's busybox-sh boot-state functions and the TypeScript ones
 * read the same records the same way and write byte-identical records for the same operations.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BOOT_STATE_AREA_BYTES, BOOT_STATE_COPY_BYTES, decodeBootStateCopy, encodeBootStateCopy, readBootState, writeBootState, type BootState } from '../../src/image/boot-state.js';
import { bootStateShell } from '../../src/image/boot-state-shell.js';
import { chooseBootSlot, markSlotGood, planUpdate } from '../../src/image/slot-choice.js';
import { needTools } from '../support/need-tools.js';
import { bootOpArb, bootStateArb, type BootOp } from './arbitraries.js';

const reason = needTools(['busybox']);
const dir = mkdtempSync(join(tmpdir(), 'flatlab-bootstate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lib = join(dir, 'bootstate.sh');
writeFileSync(lib, bootStateShell);

function sh(script: string): string {
  return execFileSync('busybox', ['sh', '-c', `. ${lib}\n${script}`], { env: { BS_TMP: dir, PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
}

function shellOp(op: BootOp, disk: string): string {
  switch (op.op) {
    case 'boot':
      return `bs_choose; echo "boot $BS_BOOT $BS_REASON"; if [ "$BS_CHANGED" = 1 ]; then bs_write ${disk}; fi`;
    case 'good':
      return `bs_mark_good ${op.slot}; bs_write ${disk}; echo good`;
    case 'update':
      return `if bs_update ${op.version} ${op.hash} ${op.size} ${op.verity ?? '-'} '${op.booted ?? ''}' ${op.tries ?? ''} 2>/dev/null; then bs_write ${disk}; echo "update $BS_TARGET"; else echo refused; fi`;
  }
}

function tsOp(op: BootOp, s: BootState, area: Uint8Array): { s: BootState; area: Uint8Array; out: string } {
  const write = (next: BootState) => writeBootState(area, next);
  switch (op.op) {
    case 'boot': {
      const c = chooseBootSlot(s);
      const w = c.changed ? write(c.state) : { area, state: c.state };
      return { s: w.state, area: w.area, out: `boot ${c.slot} ${c.reason}` };
    }
    case 'good': {
      const w = write(markSlotGood(s, op.slot));
      return { s: w.state, area: w.area, out: 'good' };
    }
    case 'update': {
      try {
        const p = planUpdate(s, op, { ...(op.booted ? { booted: op.booted } : {}), ...(op.tries ? { tries: op.tries } : {}) });
        const w = write(p.state);
        return { s: w.state, area: w.area, out: `update ${p.slot}` };
      } catch {
        return { s, area, out: 'refused' };
      }
    }
  }
}

describe.skipIf(reason)('boot state: busybox sh and TypeScript agree', () => {
  it('sh reads a record TS wrote, and writes the record TS would write for the same operations', () => {
    let n = 0;
    fc.assert(
      fc.property(bootStateArb, bootStateArb, fc.array(bootOpArb, { minLength: 1, maxLength: 6 }), (older, newer, ops) => {
        const disk = join(dir, `disk${n++}`);
        let area = writeBootState(new Uint8Array(BOOT_STATE_AREA_BYTES), older).area;
        let w = writeBootState(area, { ...newer, seq: Math.max(newer.seq, older.seq + 1) });
        area = w.area;
        writeFileSync(disk, Buffer.concat([area, Buffer.alloc(BOOT_STATE_COPY_BYTES)]));
        let s = w.state;
        const outs: string[] = [];
        for (const op of ops) {
          const r = tsOp(op, s, area);
          s = r.s;
          area = r.area;
          outs.push(r.out);
        }
        const script = `bs_read ${disk} || { echo unreadable; exit 0; }\necho "seq $BS_SEQ"\n${ops.map((o) => shellOp(o, disk)).join('\n')}\n`;
        const out = sh(script).trim().split('\n');
        expect(out).toEqual([`seq ${w.state.seq}`, ...outs]);
        const written = readFileSync(disk);
        expect(Buffer.from(written.subarray(0, BOOT_STATE_AREA_BYTES)).toString('hex')).toBe(Buffer.from(area).toString('hex'));
        expect(readBootState(written)).toEqual(s);
        rmSync(disk);
      }),
      { numRuns: 25 },
    );
  });

  it('sh and TS accept and reject the same damaged copies', () => {
    let n = 0;
    fc.assert(
      fc.property(bootStateArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), (s, edits) => {
        const copy = encodeBootStateCopy(s);
        const textLength = copy.indexOf(0);
        for (const [at, value] of edits) copy[at % (textLength + 4)] = value;
        const disk = join(dir, `copy${n++}`);
        writeFileSync(disk, Buffer.concat([copy, Buffer.alloc(BOOT_STATE_COPY_BYTES)]));
        const decoded = decodeBootStateCopy(copy);
        const out = sh(`if bs_read ${disk}; then echo "$BS_SEQ $BS_ACTIVE $BS_TRIES $BS_A_VERSION $BS_A_GOOD $BS_A_HASH $BS_A_SIZE $BS_A_VERITY $BS_B_VERSION $BS_B_GOOD $BS_B_HASH $BS_B_SIZE $BS_B_VERITY"; else echo invalid; fi`).trim();
        const expected = 'invalid' in decoded
          ? 'invalid'
          : [decoded.seq, decoded.active, decoded.tries, ...(['A', 'B'] as const).flatMap((k) => [decoded.slots[k].version, decoded.slots[k].good ? 1 : 0, decoded.slots[k].hash ?? '-', decoded.slots[k].size, decoded.slots[k].verity ?? '-'])].join(' ');
        expect(out).toBe(expected);
        rmSync(disk);
      }),
      { numRuns: 40 },
    );
  });

  it('TS reads what sh wrote from scratch', () => {
    const disk = join(dir, 'fresh');
    writeFileSync(disk, Buffer.alloc(BOOT_STATE_AREA_BYTES));
    sh(`BS_SEQ=6 BS_ACTIVE=B BS_TRIES=2 BS_A_VERSION=1.0 BS_A_GOOD=1 BS_A_HASH=${'0f'.repeat(32)} BS_A_SIZE=77 BS_A_VERITY=${'1e'.repeat(32)} BS_B_VERSION=2.0-rc1 BS_B_GOOD=0 BS_B_HASH=- BS_B_SIZE=0 BS_B_VERITY=-; bs_write ${disk}`);
    expect(readBootState(readFileSync(disk))).toEqual({
      seq: 7, active: 'B', tries: 2,
      slots: { A: { version: '1.0', good: true, hash: '0f'.repeat(32), size: 77, verity: '1e'.repeat(32) }, B: { version: '2.0-rc1', good: false, hash: null, size: 0, verity: null } },
    });
  });
});
