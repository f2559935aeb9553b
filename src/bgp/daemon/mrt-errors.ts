/** The error MRT output throws, apart from the writers so the control API can tell it without loading them. */
import { FlatlabError } from '../../config/diagnostics.js';

export class MrtOutputError extends FlatlabError {}
