import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialBootState, type BootState, type Slot } from '../../src/image/boot-state.js';
import { chooseBootSlot, hasBootableSlot, markSlotGood, planUpdate, updateTarget } from '../../src/image/slot-choice.js';
import { bootOpArb, healthyBootStateArb, hashArb, versionArb, type BootOp } from './arbitraries.js';

const h1 = '11'.repeat(32);
const h2 = '22'.repeat(32);

/** Apply one op like the machine would; an in-guest update on the busy slot is refused (no change). */
function apply(s: BootState, op: BootOp): { state: BootState; booted?: Slot } {
  switch (op.op) {
    case 'boot': {
      const c = chooseBootSlot(s);
      return { state: c.state, booted: c.slot };
    }
    case 'good':
      return { state: markSlotGood(s, op.slot) };
    case 'update':
      try {
        return { state: planUpdate(s, op, { ...(op.booted ? { booted: op.booted } : {}), ...(op.tries ? { tries: op.tries } : {}) }).state };
      } catch {
        return { state: s };
      }
  }
}

describe('slot choice', () => {
  it('boots a good active slot without changing the record', () => {
    const s = initialBootState('1', h1, 10);
    expect(chooseBootSlot(s)).toEqual({ slot: 'A', reason: 'good', state: s, changed: false });
  });

  it('tries an update once, then falls back to the previous slot', () => {
    const updated = planUpdate(initialBootState('1', h1, 10), { version: '2', hash: h2, size: 20 });
    expect(updated.slot).toBe('B');
    const first = chooseBootSlot(updated.state);
    expect(first).toMatchObject({ slot: 'B', reason: 'trial', changed: true });
    expect(first.state.tries).toBe(0);
    const second = chooseBootSlot(first.state);
    expect(second).toMatchObject({ slot: 'A', reason: 'fallback' });
    expect(second.state.active).toBe('A');
    expect(chooseBootSlot(second.state).reason).toBe('good');
  });

  it('keeps the updated slot once it is marked good', () => {
    const updated = planUpdate(initialBootState('1', h1, 10), { version: '2', hash: h2, size: 20 }).state;
    const booted = chooseBootSlot(updated);
    const good = markSlotGood(booted.state, booted.slot);
    expect(chooseBootSlot(good)).toMatchObject({ slot: 'B', reason: 'good' });
    expect(updateTarget(good)).toBe('A');
  });

  it('replaces a pending trial instead of the only good slot, and refuses to overwrite the running trial', () => {
    const pending = planUpdate(initialBootState('1', h1, 10), { version: '2', hash: h2, size: 20 }).state;
    expect(updateTarget(pending)).toBe('B');
    expect(() => planUpdate(pending, { version: '3', hash: h2, size: 1 }, { booted: 'B' })).toThrow(/slot B is on trial/);
  });

  test.prop([healthyBootStateArb, fc.array(bootOpArb, { maxLength: 40 })])('no sequence of boots, failures and updates leaves no good slot, and every boot picks a good or trial slot', (start, ops) => {
    let s = start;
    for (const op of ops) {
      if (op.op === 'boot') {
        const c = chooseBootSlot(s);
        expect(c.state.slots[c.slot].good || c.reason === 'trial').toBe(true);
      }
      s = apply(s, op).state;
      expect(hasBootableSlot(s)).toBe(true);
    }
  });

  test.prop([healthyBootStateArb, fc.array(bootOpArb, { maxLength: 20 })])('boots that keep failing reach a good slot within tries + 1 boots and stay there', (start, ops) => {
    let s = start;
    for (const op of ops) s = apply(s, op).state;
    const limit = s.tries + 1;
    let c = chooseBootSlot(s);
    for (let i = 0; i < limit && c.reason === 'trial'; i++) c = chooseBootSlot(c.state);
    expect(c.state.slots[c.slot].good).toBe(true);
    expect(chooseBootSlot(c.state)).toMatchObject({ slot: c.slot, reason: 'good', changed: false });
  });

  test.prop([healthyBootStateArb, versionArb, hashArb])('a failed update boots the previous version again', (start, version, hash) => {
    // Settle first: a pending trial that fails falls back to the good slot.
    let s = start;
    for (let i = 0; i < 10 && chooseBootSlot(s).reason !== 'good'; i++) s = chooseBootSlot(s).state;
    const before = chooseBootSlot(s);
    const oldVersion = s.slots[before.slot].version;
    let u = planUpdate(s, { version, hash, size: 1 }).state;
    const trial = chooseBootSlot(u);
    expect(trial.reason).toBe('trial');
    u = chooseBootSlot(trial.state).state;
    const after = chooseBootSlot(u);
    expect(after.slot).toBe(before.slot);
    expect(u.slots[after.slot].version).toBe(oldVersion);
  });
});
