/** Links of a generated topology: each unordered pair of routers `r<a>`–`r<b>` at most once, no self-links. */
export interface LinkSet {
  readonly links: string[][];
  /** Adds r<a>–r<b> unless a = b or the pair is already linked; true when added. */
  add(a: number, b: number): boolean;
}

export function linkSet(): LinkSet {
  const seen = new Set<string>();
  const links: string[][] = [];
  return {
    links,
    add(a, b) {
      if (a === b) return false;
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      if (seen.has(key)) return false;
      seen.add(key);
      links.push([`r${a}`, `r${b}`]);
      return true;
    },
  };
}
