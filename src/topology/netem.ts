/**
 * Link impairment values as users write them for `tc netem` ("10ms", "0.1%", "10mbit"),
 * parsed into numbers. tc's own unit spellings are accepted so a value copied from a tc
 * command line works.
 */
import type { Netem } from './lab.js';
import type { NetemSpec } from './schema.js';

const TIME_UNITS: Record<string, number> = { us: 0.001, usec: 0.001, ms: 1, msec: 1, s: 1000, sec: 1000 };
/** tc rate units are bits per second with SI prefixes (kbit = 1000 bit/s); we store kbit/s. */
const RATE_UNITS: Record<string, number> = { bit: 0.001, kbit: 1, mbit: 1000, gbit: 1_000_000, tbit: 1_000_000_000, bps: 0.008, kbps: 8, mbps: 8000, gbps: 8_000_000 };

export interface NetemProblem {
  key: keyof NetemSpec;
  message: string;
  hint: string;
}

export function parseDurationMs(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/.exec(v);
  if (!m) return undefined;
  const unit = TIME_UNITS[m[2]!];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

export function parsePercent(v: string | number): number | undefined {
  const n = typeof v === 'number' ? v : /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v)?.[1];
  if (n === undefined) return undefined;
  const x = Number(n);
  return Number.isFinite(x) && x >= 0 && x <= 100 ? x : undefined;
}

export function parseRateKbit(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/.exec(v);
  if (!m) return undefined;
  const unit = RATE_UNITS[m[2]!.toLowerCase()];
  const x = Number(m[1]) * (unit ?? NaN);
  return Number.isFinite(x) && x > 0 ? x : undefined;
}

export function parseNetem(spec: NetemSpec): { netem: Netem; problems: NetemProblem[] } {
  const netem: Netem = {};
  const problems: NetemProblem[] = [];
  const durationHint = 'write a time such as 10ms, 1.5ms, 500us or 1s';
  if (spec.delay !== undefined) {
    const v = parseDurationMs(spec.delay);
    if (v === undefined) problems.push({ key: 'delay', message: `netem delay "${spec.delay}" is not a time`, hint: durationHint });
    else netem.delayMs = v;
  }
  if (spec.jitter !== undefined) {
    const v = parseDurationMs(spec.jitter);
    if (v === undefined) problems.push({ key: 'jitter', message: `netem jitter "${spec.jitter}" is not a time`, hint: durationHint });
    else if (spec.delay === undefined) problems.push({ key: 'jitter', message: 'netem jitter needs a delay', hint: 'tc netem varies the delay by the jitter: add "delay:"' });
    else netem.jitterMs = v;
  }
  if (spec.loss !== undefined) {
    const v = parsePercent(spec.loss);
    if (v === undefined) problems.push({ key: 'loss', message: `netem loss "${spec.loss}" is not a percentage`, hint: 'write a percentage from 0% to 100%, such as 0.1%' });
    else netem.lossPercent = v;
  }
  if (spec.rate !== undefined) {
    const v = parseRateKbit(spec.rate);
    if (v === undefined) problems.push({ key: 'rate', message: `netem rate "${spec.rate}" is not a rate`, hint: 'write a rate such as 512kbit, 10mbit or 1gbit' });
    else netem.rateKbit = v;
  }
  return { netem, problems };
}
