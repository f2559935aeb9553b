/** The step registry: every step kind, listed explicitly. Adding a step: one file + one line. */
import type { StepKind } from '../step.js';
import { counter } from './counter-check.js';
import { exec } from './exec.js';
import { dns, expect, ping } from './expect.js';
import { down, up } from './lifecycle.js';
import { linkDown, linkUp } from './link-state.js';
import { netem } from './netem.js';
import { start, stop } from './node-control.js';
import { wait } from './wait.js';
import { vmHealth, vmReboot, vmUpdate } from './vm.js';
import { ztAuthorize, ztDeauthorize, ztNetwork, ztPeer } from './zt.js';

export const stepKinds: ReadonlyMap<string, StepKind<any>> = new Map(
  ([up, down, expect, dns, ping, exec, linkDown, linkUp, netem, stop, start, wait, counter, ztAuthorize, ztDeauthorize, ztNetwork, ztPeer, vmHealth, vmUpdate, vmReboot] as StepKind<any>[]).map((k) => [k.name, k]),
);

/** `include` is expanded by the loader, not run. */
export const INCLUDE_STEP = 'include';
