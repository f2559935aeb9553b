/** Every CLI verb, listed explicitly (no side-effect imports). Adding a verb: one file + one line. */
import type { Verb } from './verb.js';
import { validateVerb } from './validate.js';
import { generateVerb } from './generate.js';
import { graphVerb } from './graph.js';
import { bgpVerb } from './bgp.js';
import { hesiodVerb } from './hesiod.js';

export const verbs: Verb[] = [validateVerb, generateVerb, graphVerb, bgpVerb, hesiodVerb];
