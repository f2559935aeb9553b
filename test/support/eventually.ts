/** Polls `probe` every 500 ms until `ok` holds (bounded by `ms`); the error names what was awaited and the last value seen. */
export async function eventually<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 45_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe().catch((e: Error) => e as unknown as T);
    if (!(last instanceof Error) && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} not seen within ${ms / 1000} s; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}
