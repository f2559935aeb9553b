/**
 * Ctrl-C and SIGTERM during long work: abort the work (which tears its lab down) instead of
 * dying with namespaces and daemons left behind. A second signal exits at once.
 */
export function abortOnSignals(onFirst?: (signal: NodeJS.Signals) => void): { signal: AbortSignal; received(): NodeJS.Signals | undefined; dispose(): void } {
  const ac = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(exitCodeOfSignal(sig));
    received = sig;
    onFirst?.(sig);
    ac.abort(new Error(`interrupted by ${sig}; cleaning up`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    received: () => received,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** The shell's convention for a command ended by a signal: 128 + its number (Ctrl-C: 130). */
export function exitCodeOfSignal(sig: NodeJS.Signals): number {
  return 128 + (sig === 'SIGINT' ? 2 : 15);
}
