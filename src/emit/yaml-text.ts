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

function inline(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (isRecord(v)) return '{}';
  if (v === undefined) throw new TypeError('cannot write undefined as YAML');
  return yamlScalar(v as string | number | boolean | null);
}

function block(v: unknown, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isBlock(item)) {
        const child: string[] = [];
        block(item, indent + 2, child);
        // The first line of the item's block moves up beside the dash.
        child[0] = `${pad}- ${child[0]!.slice(indent + 2)}`;
        out.push(...child);
      } else out.push(`${pad}- ${inline(item)}`);
    }
    return;
  }
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === undefined) continue;
    if (isBlock(val)) {
      out.push(`${pad}${yamlScalar(k)}:`);
      block(val, Array.isArray(val) ? indent + 2 : indent + 2, out);
    } else out.push(`${pad}${yamlScalar(k)}: ${inline(val)}`);
  }
}

/** The document as YAML text, ending with a newline. Undefined map values are left out. */
export function toYaml(value: unknown): string {
  if (!isBlock(value)) return `${inline(value)}\n`;
  const out: string[] = [];
  block(value, 0, out);
  return `${out.join('\n')}\n`;
}
