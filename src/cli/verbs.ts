/** Every CLI verb, listed explicitly (no side-effect imports). Adding a verb: one file + one line. */
import type { Verb } from './verb.js';
import { validateVerb } from './validate.js';
import { generateVerb } from './generate.js';
import { graphVerb } from './graph.js';
import { bgpVerb } from './bgp.js';
import { runVerb } from './run.js';
import { upVerb } from './up.js';
import { downVerb } from './down.js';
import { statusVerb } from './status.js';
import { execVerb } from './exec.js';
import { bgpdVerb } from './bgpd.js';
import { hesiodVerb } from './hesiod.js';
import { hesinfoVerb } from './hesinfo.js';
import { dns64Verb } from './dns64.js';
import { imageVerb } from './image.js';
import { ztVerb } from './zt.js';
import { mrtVerb } from './mrt.js';

export const verbs: Verb[] = [validateVerb, generateVerb, graphVerb, bgpVerb, runVerb, upVerb, downVerb, statusVerb, execVerb, bgpdVerb, hesiodVerb, hesinfoVerb, dns64Verb, imageVerb, ztVerb, mrtVerb];
