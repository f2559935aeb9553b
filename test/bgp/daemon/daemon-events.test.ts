/** BgpDaemon.events: the last 1000 speaker events, oldest first, however many went by. */
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { BgpDaemon } from '../../../src/bgp/daemon/daemon.js';
import { parseBgpdConfig } from '../../../src/bgp/daemon/config.js';
import { emptyOutput, type SpeakerEvent } from '../../../src/bgp/speaker/index.js';

const config = parseBgpdConfig('router-id: 10.0.0.9\nasn: 65001\nlisten: { address: [127.0.0.9], port: 1179 }\npeers: []\n', 'bgpd.yml');

test('property: events are the last 1000 applied, oldest first, whatever the batches', async () => {
  const daemon = new BgpDaemon(config);
  let applied: SpeakerEvent[] = [];
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 8 }), (batches) => {
    for (const size of batches) {
      const events: SpeakerEvent[] = Array.from({ length: size }, (_, i) => ({ type: 'best-path', prefix: `10.${(applied.length + i) >> 8 & 255}.${(applied.length + i) & 255}.0/24`, previous: String(applied.length + i) }));
      daemon.apply({ ...emptyOutput(), events });
      applied = [...applied, ...events].slice(-1000);
      expect(daemon.events).toEqual(applied);
    }
  }), { numRuns: 40 });
  await daemon.stop();
});
