// File names of periodic MRT output, strftime-style as BIRD's `filename` option
// (`rib.%Y%m%d.%H%M.mrt`), always in UTC so names sort in time order whatever the host's zone.

/** The conversions a template may use; `%%` is a literal percent sign. */
export const TEMPLATE_FIELDS: Readonly<Record<string, string>> = {
  Y: 'year (4 digits)',
  m: 'month 01-12',
  d: 'day 01-31',
  H: 'hour 00-23',
  M: 'minute 00-59',
  S: 'second 00-59',
  '%': 'a literal %',
};

/** Why `template` cannot name files, or undefined when it can. */
export function templateProblem(template: string): string | undefined {
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== '%') continue;
    const c = template[i + 1];
    if (c === undefined) return 'ends with a lone %';
    if (!(c in TEMPLATE_FIELDS)) return `unknown conversion %${c}`;
    i++;
  }
  if (template.endsWith('/')) return 'names a directory, not a file';
  return undefined;
}

/** True when the name changes with time (a template without fields names one file). */
export function templateHasTime(template: string): boolean {
  return /%[YmdHMS]/.test(template.replace(/%%/g, ''));
}

const two = (n: number): string => String(n).padStart(2, '0');

/** The file name for the instant `epochMs` (UTC). */
export function expandTemplate(template: string, epochMs: number): string {
  const t = new Date(epochMs);
  const values: Record<string, string> = {
    Y: String(t.getUTCFullYear()).padStart(4, '0'),
    m: two(t.getUTCMonth() + 1),
    d: two(t.getUTCDate()),
    H: two(t.getUTCHours()),
    M: two(t.getUTCMinutes()),
    S: two(t.getUTCSeconds()),
    '%': '%',
  };
  return template.replace(/%(.)/g, (whole, c: string) => values[c] ?? whole);
}

/** The start of the period of length `periodMs` that contains `epochMs` (periods align to the Unix epoch, as RIS and RouteViews name their files). */
export function periodStart(epochMs: number, periodMs: number): number {
  return Math.floor(epochMs / periodMs) * periodMs;
}
