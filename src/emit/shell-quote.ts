/** POSIX shell quoting for generated commands and scripts. */

const safe = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word, quoted only when it needs to be. */
export function shellQuote(word: string): string {
  if (word !== '' && safe.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
