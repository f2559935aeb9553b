/**
 * A tag for shell scripts kept in TypeScript: the raw text, so backslashes reach the shell as
 * written, with `\${` standing for the shell's `${` (a bare `${` would be a template hole).
 * Holes are not allowed: scripts take their inputs from the environment or arguments.
 */
export function shellText(strings: TemplateStringsArray, ...holes: never[]): string {
  if (holes.length) throw new Error('shellText takes no interpolations');
  return strings.raw.join('').replaceAll('\\${', '${');
}
