/** flatlab's version, from package.json (the one source), for --version, manifests and daemons. */
import { createRequire } from 'node:module';

// src/cli/ and dist/cli/ both sit two levels below the package root.
export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
