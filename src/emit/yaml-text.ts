/**
 * Block-style YAML for plain data (maps, lists, strings, numbers, booleans, null), written
 * directly: the yaml package's stringify takes ~2 s on a 1,000-node clab.yml, this takes
 * milliseconds. Strings are left plain only when every YAML reader reads them back as the same
 * string, including YAML 1.1 readers (containerlab is Go): `yes`, `on`, `65000:100`
 * (1.1 base-60) and anything number-like are quoted; quoted strings are JSON strings, which
 * are valid YAML double-quoted scalars. Map keys keep insertion order.
 */

const plainChars = /^[A-Za-z0-9_./:,=+@%()~\- ]+$/;
const badStart = /^[-?:,\[\]{}#&*!|>'"%@`~ ]/;
const core12 = [
  /^[-+]?(0|[1-9][0-9]*)$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(inf|Inf|INF)$/,
  /^\.(nan|NaN|NAN)$/,
  /^(true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$/,
];
const yaml11 = [
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/,
  // Base-60 numbers and underscores in numbers (YAML 1.1 §int, §float).
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/,
  // Every part optional, as the yaml package reads 1.1 floats (`e0`, `.` are floats to it).
  /^[-+]?([0-9][0-9_]*)?(\.[0-9_]*)?([eE][-+]?[0-9]+)?$/,
  /^[-+]?0b[01_]+$/,
  /^[-+]?0[0-7_]+$/,
];

export function yamlScalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as YAML`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  return isPlainSafe(value) ? value : JSON.stringify(value);
}

function isPlainSafe(s: string): boolean {
  if (s === '' || !plainChars.test(s) || badStart.test(s) || s.endsWith(' ') || s.endsWith(':')) return false;
  if (s.includes(': ') || s.includes(' #')) return false;
  return !core12.some((r) => r.test(s)) && !yaml11.some((r) => r.test(s));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBlock(v: unknown): boolean {
  return (Array.isArray(v) && v.length > 0) || (isRecord(v) && Object.keys(v).length > 0);
}

function inline(v: unknown, scalar: (s: string) => string): string {
  if (Array.isArray(v)) return '[]';
  if (isRecord(v)) return '{}';
  if (v === undefined) throw new TypeError('cannot write undefined as YAML');
  return typeof v === 'string' ? scalar(v) : yamlScalar(v as number | boolean | null);
}

/**
 * Appends the lines of a non-empty map or list at `indent`. `lead` replaces the indentation of
 * the first line: a list item's `- ` followed by its map's first key, on one line.
 */
function block(v: unknown, indent: number, out: string[], scalar: (s: string) => string, lead?: string): void {
  const pad = ' '.repeat(indent);
  let first = lead;
  const line = (text: string) => {
    out.push(first === undefined ? pad + text : first + text);
    first = undefined;
  };
  if (Array.isArray(v)) {
    for (const item of v) {
      const dash = first === undefined ? `${pad}- ` : `${first}- `;
      first = undefined;
      if (isBlock(item)) block(item, indent + 2, out, scalar, dash);
      else out.push(dash + inline(item, scalar));
    }
    return;
  }
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === undefined) continue;
    if (isBlock(val)) {
      line(`${scalar(k)}:`);
      block(val, indent + 2, out, scalar);
    } else line(`${scalar(k)}: ${inline(val, scalar)}`);
  }
}

/** The document as YAML text, ending with a newline. Undefined map values are left out. */
export function toYaml(value: unknown): string {
  // Labs repeat the same strings (kinds, labels, images) thousands of times: decide each once.
  const seen = new Map<string, string>();
  const scalar = (s: string): string => {
    let text = seen.get(s);
    if (text === undefined) seen.set(s, (text = yamlScalar(s)));
    return text;
  };
  if (!isBlock(value)) return `${inline(value, scalar)}\n`;
  const out: string[] = [];
  block(value, 0, out, scalar);
  return `${out.join('\n')}\n`;
}
