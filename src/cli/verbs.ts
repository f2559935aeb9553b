/** Every CLI verb, listed explicitly (no side-effect imports). Adding a verb: one file + one line. */
import type { Verb } from './verb.js';
import { validateVerb } from './validate.js';

export const verbs: Verb[] = [validateVerb];
