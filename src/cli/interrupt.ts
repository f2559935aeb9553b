/**
 * Ctrl-C and SIGTERM during long work: abort the work (which tears its lab down) instead of
 * dying with namespaces and daemons left behind. A second signal exits at once.
 */
export function abortOnSignals(onFirst?: (signal: NodeJS.Signals) => void): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
    onFirst?.(sig);
    ac.abort(new Error(`interrupted by ${sig}; cleaning up`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
