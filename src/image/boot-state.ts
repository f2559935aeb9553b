/**
 * The boot-state record on the FlatRacoon OS boot partition: which root slot is active, how many
 * trial boots it has left, and per slot its version, whether it has been marked good, the
 * sha256 and byte length of the squashfs written to it, and the dm-verity root hash of that
 * squashfs when the slot holds a verity hash area right after it (verity.ts).
 *
 * The record is ASCII text so the initramfs (busybox sh, see boot-state-shell.ts) reads and writes
 * exactly the same bytes as this module: one `key=value` per line in a fixed order, then
 * `sum=<sha256 of every line before it>`. It is kept twice, in the first two 1 KiB blocks of
 * the boot partition; each write bumps `seq` and goes to sector `seq % 2`, so a write torn by a
 * power cut leaves the other copy intact, and a reader takes the valid copy with the highest seq.
 * NUL bytes are sector padding and are ignored (the shell reads through `tr -d '\000'`).
 * A copy is valid only if re-encoding its values gives back its exact text.
 */
import { createHash } from 'node:crypto';
import { FlatlabError } from '../config/diagnostics.js';

export type Slot = 'A' | 'B';
export const slots: readonly Slot[] = ['A', 'B'];

export interface SlotRecord {
  /** Version of the root written to the slot, [A-Za-z0-9._+-]{1,32}. */
  version: string;
  /** Set once a boot of this slot passed its health check. */
  good: boolean;
  /** sha256 (hex) of the first `size` bytes of the slot's partition, or null when the slot is empty. */
  hash: string | null;
  size: number;
  /**
   * dm-verity root hash (hex) of the first `size` bytes, whose hash area (superblock, then the
   * tree) starts at byte `size` of the slot; null when the slot has no hash area (the initramfs
   * then checks `hash` instead).
   */
  verity: string | null;
}

export interface BootState {
  seq: number;
  active: Slot;
  /** Trial boots left for the active slot while it is not good. */
  tries: number;
  slots: Readonly<Record<Slot, SlotRecord>>;
}

// Version 2 added the per-slot verity root hash (and, for room, 1 KiB copies).
export const BOOT_STATE_MAGIC = 'FLATRACOON-BOOTSTATE 2';
export const BOOT_STATE_COPY_BYTES = 1024;
/** Both copies: the bytes at the start of the boot partition that hold the record. */
export const BOOT_STATE_AREA_BYTES = 2 * BOOT_STATE_COPY_BYTES;

const versionPattern = /^[A-Za-z0-9._+-]{1,32}$/;
const hashPattern = /^[0-9a-f]{64}$/;
// No leading zeros: busybox sh arithmetic reads 010 as octal.
const numberPattern = /^(0|[1-9][0-9]{0,14})$/;

export class BootStateError extends FlatlabError {}

export function otherSlot(slot: Slot): Slot {
  return slot === 'A' ? 'B' : 'A';
}

export function isValidVersion(v: string): boolean {
  return versionPattern.test(v);
}

/** The record's text without the sum line. */
function bodyText(s: BootState): string {
  const lines = [BOOT_STATE_MAGIC, `seq=${s.seq}`, `active=${s.active}`, `tries=${s.tries}`];
  for (const slot of slots) {
    const r = s.slots[slot];
    lines.push(`${slot}.version=${r.version}`, `${slot}.good=${r.good ? 1 : 0}`, `${slot}.hash=${r.hash ?? '-'}`, `${slot}.size=${r.size}`, `${slot}.verity=${r.verity ?? '-'}`);
  }
  return `${lines.join('\n')}\n`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('hex');
}

export function checkBootState(s: BootState): void {
  const problems: string[] = [];
  for (const [name, n] of [['seq', s.seq], ['tries', s.tries]] as const) {
    if (!Number.isSafeInteger(n) || n < 0 || !numberPattern.test(String(n))) problems.push(`${name} ${n} is not a whole number below 10^15`);
  }
  if (s.active !== 'A' && s.active !== 'B') problems.push(`active slot ${String(s.active)} is neither A nor B`);
  for (const slot of slots) {
    const r = s.slots[slot];
    if (!isValidVersion(r.version)) problems.push(`slot ${slot} version "${r.version}" is not 1-32 of A-Z a-z 0-9 . _ + -`);
    if (r.hash !== null && !hashPattern.test(r.hash)) problems.push(`slot ${slot} hash is not 64 lowercase hex digits`);
    if (r.verity !== null && !hashPattern.test(r.verity)) problems.push(`slot ${slot} verity root hash is not 64 lowercase hex digits`);
    if (!Number.isSafeInteger(r.size) || r.size < 0 || !numberPattern.test(String(r.size))) problems.push(`slot ${slot} size ${r.size} is not a whole number`);
  }
  if (problems.length) throw new BootStateError('image.boot-state.invalid', `boot state cannot be written: ${problems.join('; ')}`, { hint: 'this is a bug in the caller building the state' });
}

/** One copy of the record, NUL-padded to BOOT_STATE_COPY_BYTES. */
export function encodeBootStateCopy(s: BootState): Uint8Array {
  checkBootState(s);
  const body = bodyText(s);
  const text = `${body}sum=${sha256Hex(body)}\n`;
  const out = new Uint8Array(BOOT_STATE_COPY_BYTES);
  out.set(Buffer.from(text, 'latin1'));
  return out;
}

function parseNumber(v: string | undefined): number | undefined {
  return v !== undefined && numberPattern.test(v) ? Number(v) : undefined;
}

/** The state in one copy, or a reason it is not valid. */
export function decodeBootStateCopy(bytes: Uint8Array): BootState | { invalid: string } {
  const text = Buffer.from(bytes.filter((b) => b !== 0)).toString('latin1');
  if (!text.startsWith(`${BOOT_STATE_MAGIC}\n`)) return { invalid: 'no boot-state magic' };
  const values = new Map<string, string>();
  for (const line of text.split('\n').slice(1)) {
    const eq = line.indexOf('=');
    if (eq > 0 && !values.has(line.slice(0, eq))) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const slot = (s: Slot): SlotRecord | undefined => {
    const version = values.get(`${s}.version`);
    const good = values.get(`${s}.good`);
    const hash = values.get(`${s}.hash`);
    const size = parseNumber(values.get(`${s}.size`));
    const verity = values.get(`${s}.verity`);
    if (version === undefined || !isValidVersion(version) || (good !== '0' && good !== '1') || size === undefined) return undefined;
    if (hash === undefined || (hash !== '-' && !hashPattern.test(hash))) return undefined;
    if (verity === undefined || (verity !== '-' && !hashPattern.test(verity))) return undefined;
    return { version, good: good === '1', hash: hash === '-' ? null : hash, size, verity: verity === '-' ? null : verity };
  };
  const seq = parseNumber(values.get('seq'));
  const tries = parseNumber(values.get('tries'));
  const active = values.get('active');
  const a = slot('A');
  const b = slot('B');
  if (seq === undefined || tries === undefined || (active !== 'A' && active !== 'B') || !a || !b) return { invalid: 'missing or malformed field' };
  const state: BootState = { seq, active, tries, slots: { A: a, B: b } };
  const body = bodyText(state);
  if (text !== `${body}sum=${sha256Hex(body)}\n`) return { invalid: 'checksum or layout mismatch' };
  return state;
}

/** The valid copy with the highest seq (the first on a tie), or a typed error when neither is valid. */
export function readBootState(area: Uint8Array): BootState {
  if (area.length < BOOT_STATE_AREA_BYTES) {
    throw new BootStateError('image.boot-state.short', `boot-state area is ${area.length} bytes, expected ${BOOT_STATE_AREA_BYTES}`, { hint: 'is this a FlatRacoon OS boot partition?' });
  }
  const copies = [0, 1].map((i) => decodeBootStateCopy(area.subarray(i * BOOT_STATE_COPY_BYTES, (i + 1) * BOOT_STATE_COPY_BYTES)));
  let best: BootState | undefined;
  for (const c of copies) if (!('invalid' in c) && (!best || c.seq > best.seq)) best = c;
  if (!best) {
    const why = copies.map((c, i) => `copy ${i}: ${'invalid' in c ? c.invalid : 'ok'}`).join('; ');
    throw new BootStateError('image.boot-state.unreadable', `no valid boot-state record (${why})`, { hint: 'rebuild the disk with flatlab image build, or check --disk names a FlatRacoon OS disk' });
  }
  return best;
}

/**
 * Write `state` as the next record: seq becomes state.seq + 1 and the copy goes to sector
 * seq % 2, leaving the previous record in the other sector. Returns the new area and the state
 * as written.
 */
export function writeBootState(area: Uint8Array, state: BootState): { area: Uint8Array; state: BootState } {
  const written: BootState = { ...state, seq: state.seq + 1 };
  const out = new Uint8Array(BOOT_STATE_AREA_BYTES);
  out.set(area.subarray(0, BOOT_STATE_AREA_BYTES));
  out.set(encodeBootStateCopy(written), (written.seq % 2) * BOOT_STATE_COPY_BYTES);
  return { area: out, state: written };
}

/** The record of a freshly built disk: slot A holds the built root and is good; B is empty. */
export function initialBootState(version: string, hash: string, size: number, verity: string | null = null): BootState {
  return {
    seq: 0,
    active: 'A',
    tries: 0,
    slots: { A: { version, good: true, hash, size, verity }, B: { version: 'none', good: false, hash: null, size: 0, verity: null } },
  };
}
