/**
 * A/B slot logic, the same rules as the initramfs and the in-guest tools (boot-state-shell.ts):
 *
 * - boot: the active slot if it is good; else, while it has trial boots left, the active slot
 *   with one try used up; else fall back to the other slot, which becomes active. This is
 *   Flatcar's (and ChromeOS's) "try once, then roll back" rule.
 * - mark good: the supervisor marks the booted slot good once its health check passes.
 * - update: write the slot that is not the good fallback: the inactive slot while the active one
 *   is good, else the active slot itself (a trial that has not passed is replaced, so the only
 *   good slot is never overwritten). The written slot becomes active with `tries` trial boots.
 *
 * Together these keep at least one slot good, so the machine always has a slot to boot.
 */
import { BootStateError, otherSlot, type BootState, type Slot, type SlotRecord } from './boot-state.js';

export type BootReason = 'good' | 'trial' | 'fallback';

export interface BootChoice {
  slot: Slot;
  reason: BootReason;
  /** The state to write back before booting (equal to the input when nothing changed). */
  state: BootState;
  changed: boolean;
}

export function chooseBootSlot(s: BootState): BootChoice {
  if (s.slots[s.active].good) return { slot: s.active, reason: 'good', state: s, changed: false };
  if (s.tries > 0) return { slot: s.active, reason: 'trial', state: { ...s, tries: s.tries - 1 }, changed: true };
  const other = otherSlot(s.active);
  return { slot: other, reason: 'fallback', state: { ...s, active: other, tries: 0 }, changed: true };
}

export function markSlotGood(s: BootState, slot: Slot): BootState {
  const slotsNext = { ...s.slots, [slot]: { ...s.slots[slot], good: true } } as Record<Slot, SlotRecord>;
  return { ...s, slots: slotsNext, tries: slot === s.active ? 0 : s.tries };
}

export interface NewRoot {
  version: string;
  hash: string;
  size: number;
  /** dm-verity root hash when the slot also gets the root's hash area; absent: sha256 only. */
  verity?: string | null;
}

/** The slot an update writes. */
export function updateTarget(s: BootState): Slot {
  return s.slots[s.active].good ? otherSlot(s.active) : s.active;
}

/**
 * The state after writing `root` into `updateTarget(s)`. `booted` is the slot the running system
 * booted from (in-guest updates): writing it would overwrite the mounted root, so that is refused.
 */
export function planUpdate(s: BootState, root: NewRoot, opts: { tries?: number; booted?: Slot } = {}): { slot: Slot; state: BootState } {
  const slot = updateTarget(s);
  if (opts.booted === slot) {
    throw new BootStateError('image.update.busy-slot', `slot ${slot} is on trial and is the running root; it cannot be overwritten now`, {
      hint: 'wait until the supervisor marks it good (or the next boot rolls back), then update again',
    });
  }
  const tries = opts.tries ?? 1;
  const slotsNext = { ...s.slots, [slot]: { version: root.version, good: false, hash: root.hash, size: root.size, verity: root.verity ?? null } } as Record<Slot, SlotRecord>;
  return { slot, state: { ...s, active: slot, tries, slots: slotsNext } };
}

/** True when some slot is good, so a failed trial always has a slot to fall back to. */
export function hasBootableSlot(s: BootState): boolean {
  return s.slots.A.good || s.slots.B.good;
}
