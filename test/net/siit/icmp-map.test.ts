import { describe, expect, it } from 'vitest';
import { mapIcmp4, mapIcmp6, plateauBelow, pointer4to6, pointer6to4 } from '../../../src/net/siit/icmp-map.js';

// Rows from RFC 7915 §4.2 and §5.2, typed from the RFC text.
const v4to6: Array<[number, number, [number, number] | undefined]> = [
  [8, 0, [128, 0]], [0, 0, [129, 0]],
  [3, 0, [1, 0]], [3, 1, [1, 0]], [3, 2, [4, 1]], [3, 3, [1, 4]], [3, 4, [2, 0]], [3, 5, [1, 0]], [3, 6, [1, 0]], [3, 7, [1, 0]], [3, 8, [1, 0]],
  [3, 9, [1, 1]], [3, 10, [1, 1]], [3, 11, [1, 0]], [3, 12, [1, 0]], [3, 13, [1, 1]], [3, 14, undefined], [3, 15, [1, 1]],
  [11, 0, [3, 0]], [11, 1, [3, 1]], [12, 0, [4, 0]], [12, 1, undefined], [12, 2, [4, 0]],
  [4, 0, undefined], [5, 0, undefined], [6, 0, undefined], [9, 0, undefined], [10, 0, undefined], [13, 0, undefined], [14, 0, undefined], [15, 0, undefined], [16, 0, undefined], [17, 0, undefined], [18, 0, undefined],
];
const v6to4: Array<[number, number, [number, number] | undefined]> = [
  [128, 0, [8, 0]], [129, 0, [0, 0]],
  [1, 0, [3, 1]], [1, 1, [3, 10]], [1, 2, [3, 1]], [1, 3, [3, 1]], [1, 4, [3, 3]], [1, 5, undefined],
  [2, 0, [3, 4]], [3, 0, [11, 0]], [3, 1, [11, 1]], [4, 0, [12, 0]], [4, 1, [3, 2]], [4, 2, undefined],
  [130, 0, undefined], [133, 0, undefined], [135, 0, undefined], [137, 0, undefined], [200, 0, undefined],
];

describe('ICMP type/code tables', () => {
  it.each(v4to6)('ICMPv4 %i/%i → %j', (t, c, want) => {
    const m = mapIcmp4(t, c);
    expect(m ? [m.type, m.code] : undefined).toEqual(want);
  });
  it.each(v6to4)('ICMPv6 %i/%i → %j', (t, c, want) => {
    const m = mapIcmp6(t, c);
    expect(m ? [m.type, m.code] : undefined).toEqual(want);
  });
  it('parameter problem pointers follow Figures 3 and 6', () => {
    expect([0, 1, 2, 3, 4, 6, 8, 9, 10, 12, 15, 16, 19, 20].map(pointer4to6)).toEqual([0, 1, 4, 4, undefined, undefined, 7, 6, undefined, 8, 8, 24, 24, undefined]);
    expect([0, 1, 2, 4, 5, 6, 7, 8, 23, 24, 39, 40].map(pointer6to4)).toEqual([0, 1, undefined, 2, 2, 9, 8, 12, 12, 16, 16, undefined]);
  });
  it('RFC 1191 plateaus for Fragmentation Needed without an MTU', () => {
    expect(plateauBelow(1500)).toBe(1492);
    expect(plateauBelow(1006)).toBe(508);
    expect(plateauBelow(60)).toBe(68);
  });
});
