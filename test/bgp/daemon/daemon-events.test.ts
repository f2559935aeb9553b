/** BgpDaemon.events: the last 1000 speaker events, oldest first, however many went by; best-path events only when asked for or kernel routes need them. */
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { BgpDaemon } from '../../../src/bgp/daemon/daemon.js';
import { parseBgpdConfig } from '../../../src/bgp/daemon/config.js';
import { KernelRoutes } from '../../../src/bgp/daemon/kernel-routes.js';
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

test('bestPathEvents: false keeps best-path events out unless kernel-routes needs them; the Loc-RIB is the same', async () => {
  const quiet = new BgpDaemon(config, { bestPathEvents: false });
  quiet.apply(quiet.speaker.originate('192.0.2.0/24', { origin: 0 }));
  expect(quiet.speaker.locRibSize()).toBe(1);
  expect(quiet.events.filter((e) => e.type === 'best-path')).toEqual([]);
  await quiet.stop();

  const installed: string[] = [];
  const kernel = new KernelRoutes('main', () => {}, async () => ({ code: 0, stdout: '', stderr: '' }));
  kernel.change = (prefix) => void installed.push(prefix);
  const withKernel = new BgpDaemon(parseBgpdConfig('router-id: 10.0.0.9\nasn: 65001\nkernel-routes: true\nlisten: { address: [127.0.0.9], port: 1179 }\npeers: []\n', 'bgpd.yml'), { bestPathEvents: false, kernelRoutes: kernel });
  withKernel.apply(withKernel.speaker.originate('192.0.2.0/24', { origin: 0 }));
  expect(withKernel.events.filter((e) => e.type === 'best-path').map((e) => e.type === 'best-path' && e.prefix)).toEqual(['192.0.2.0/24']);
  expect(installed).toEqual(['192.0.2.0/24']);
  await withKernel.stop();
});
