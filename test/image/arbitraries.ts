/** fast-check arbitraries for boot-state records, shared by the image tests. */
import fc from 'fast-check';
import type { BootState, Slot, SlotRecord } from '../../src/image/boot-state.js';

export const slotArb: fc.Arbitrary<Slot> = fc.constantFrom('A', 'B');
export const versionArb = fc.stringMatching(/^[A-Za-z0-9._+-]{1,32}$/);
export const hashArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const sizeArb = fc.integer({ min: 0, max: 2 ** 40 });

export const slotRecordArb: fc.Arbitrary<SlotRecord> = fc.record({
  version: versionArb,
  good: fc.boolean(),
  hash: fc.option(hashArb, { nil: null }),
  size: sizeArb,
  verity: fc.option(hashArb, { nil: null }),
});

export const bootStateArb: fc.Arbitrary<BootState> = fc.record({
  seq: fc.integer({ min: 0, max: 1_000_000 }),
  active: slotArb,
  tries: fc.integer({ min: 0, max: 5 }),
  slots: fc.record({ A: slotRecordArb, B: slotRecordArb }),
});

/** A state with at least one good slot: what a built disk starts from and every rule keeps. */
export const healthyBootStateArb = bootStateArb.filter((s) => s.slots.A.good || s.slots.B.good);

export type BootOp =
  | { op: 'boot' }
  | { op: 'good'; slot: Slot }
  | { op: 'update'; version: string; hash: string; size: number; verity: string | null; booted?: Slot; tries?: number };

export const bootOpArb: fc.Arbitrary<BootOp> = fc.oneof(
  fc.constant<BootOp>({ op: 'boot' }),
  slotArb.map((slot): BootOp => ({ op: 'good', slot })),
  fc.record({ version: versionArb, hash: hashArb, size: sizeArb, verity: fc.option(hashArb, { nil: null }), booted: fc.option(slotArb, { nil: undefined }), tries: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }, { requiredKeys: ['version', 'hash', 'size', 'verity'] })
    .map((u): BootOp => ({ op: 'update', ...u })),
);
