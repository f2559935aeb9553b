/** Observers by kind name; a kind without one cannot be observed on netns (the error says which). */
import type { BgpObserver } from './observer.js';
import { birdObserver } from './bird.js';
import { exabgpObserver } from './exabgp.js';
import { flatlabBgpdObserver } from './flatlab-bgpd.js';
import { frrObserver } from './frr.js';
import { gobgpObserver } from './gobgp.js';

export const bgpObservers: Readonly<Record<string, BgpObserver>> = {
  bird: birdObserver,
  exabgp: exabgpObserver,
  'flatlab-bgpd': flatlabBgpdObserver,
  frr: frrObserver,
  gobgp: gobgpObserver,
};
