/**
 * flatlab's authoritative Hesiod server (`flatlab hesiod`). Its data comes from the node's
 * `config:`: either `map` (a Hesiod map: users, groups, … as in docs/hesiod.md) or `zone`
 * (master-file text); the Hesiod zone writer turns it into `hesiod.zone`.
 */
import { ValidationError } from '../config/diagnostics.js';
import { hesiodMapSchema } from '../dns/hesiod/map.js';
import { parseZoneText } from '../dns/zone/parse.js';
import type { ConfigProblem, Kind } from './kind.js';
import { hostPort, optionalString, optionalStringList, unknownKeys } from './config-checks.js';

const keys = ['map', 'zone', 'listen'] as const;

function validate(config: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [...unknownKeys(config, keys, 'flatlab-hesiod'), ...optionalString(config, 'zone'), ...optionalStringList(config, 'listen', hostPort)];
  const map = config.map;
  if (map !== undefined && (typeof map !== 'object' || map === null || Array.isArray(map))) {
    problems.push({ path: ['map'], message: 'map must be a Hesiod map (users:, groups:, …)', hint: 'see docs/hesiod.md for the map format' });
  } else if (map !== undefined) {
    const parsed = hesiodMapSchema.safeParse(map);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ path: ['map', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: `Hesiod map: ${issue.message}`, hint: 'see docs/hesiod.md for the map format' });
      }
    }
  }
  if (typeof config.zone === 'string') problems.push(...zoneProblems(config.zone));
  if (map === undefined && config.zone === undefined) {
    problems.push({ path: [], message: 'a flatlab-hesiod node needs its data: config.map or config.zone', hint: 'add `config: { map: { users: { alice: { uid: 1000, gid: 1000 } } } }` or `config: { zone: "…" }`' });
  }
  if (map !== undefined && config.zone !== undefined) {
    problems.push({ path: ['zone'], message: 'give either config.map or config.zone, not both', hint: 'put extra records under the map\'s raw: key' });
  }
  return problems;
}

/**
 * Inline zone text is checked as the server will load it (RFC 1035 syntax and BIND-like zone
 * checks); its origin is the text's first $ORIGIN, which inline zones must therefore state.
 */
function zoneProblems(text: string): ConfigProblem[] {
  const origin = /^\s*\$ORIGIN\s+(\S+)/m.exec(text)?.[1];
  if (!origin) return [{ path: ['zone'], message: 'the inline zone has no $ORIGIN line', hint: 'start it with `$ORIGIN example.org.`' }];
  try {
    parseZoneText(text, { origin, file: 'config.zone' });
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({ path: ['zone'], message: `zone${d.position ? ` line ${d.position.line}` : ''}: ${d.message}`, ...(d.hint ? { hint: d.hint } : {}) }));
  }
}

export const flatlabHesiodKind: Kind = {
  name: 'flatlab-hesiod',
  description: 'flatlab authoritative Hesiod DNS server (class HS and IN) serving hesiod.zone',
  speaksBgp: false,
  defaultRole: 'server',
  vm: false,
  containerlab: { kind: 'linux', image: 'flatlab/flatlab:0.1.0-local', configDir: '/etc/flatlab', cmd: ['flatlab', 'hesiod', '--zone', '/etc/flatlab/hesiod.zone', '--listen', '{cfg:listen}'] },
  configWriters: ['hesiod'],
  netns: { setup: [], processes: [{ argv: ['flatlab', 'hesiod', '--zone', '{config}/hesiod.zone', '--listen', '{cfg:listen}'] }], postStart: [] },
  sim: 'dns-hesiod',
  configDefaults: { listen: ['[::]:53'] },
  validateConfig: validate,
};
