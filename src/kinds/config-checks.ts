/**
 * Small checks shared by the kinds' `validateConfig`: each returns the problems it finds, so a
 * kind's validator is a list of checks and every problem in a node's `config:` is reported.
 */
import type { ConfigProblem } from './kind.js';
import { closestMatch } from '../config/suggest.js';

export function unknownKeys(config: Record<string, unknown>, allowed: readonly string[], kind: string): ConfigProblem[] {
  return Object.keys(config)
    .filter((k) => !allowed.includes(k))
    .map((k) => {
      const guess = closestMatch(k, allowed);
      return {
        path: [k],
        message: `unknown config key "${k}" for kind ${kind}`,
        hint: guess ? `did you mean "${guess}"?` : allowed.length ? `known keys: ${allowed.join(', ')}` : `kind ${kind} takes no config keys`,
      };
    });
}

export function optionalString(config: Record<string, unknown>, key: string, test?: { pattern: RegExp; what: string }): ConfigProblem[] {
  const v = config[key];
  if (v === undefined) return [];
  if (typeof v !== 'string') return [{ path: [key], message: `${key} must be a string, got ${describe(v)}` }];
  if (test && !test.pattern.test(v)) return [{ path: [key], message: `${key} "${v}" is not ${test.what}` }];
  return [];
}

export function optionalInteger(config: Record<string, unknown>, key: string, min: number, max: number, unit = ''): ConfigProblem[] {
  const v = config[key];
  if (v === undefined) return [];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return [{ path: [key], message: `${key} must be an integer from ${min} to ${max}${unit ? ` (${unit})` : ''}, got ${describe(v)}` }];
  }
  return [];
}

export function optionalEnum(config: Record<string, unknown>, key: string, values: readonly string[]): ConfigProblem[] {
  const v = config[key];
  if (v === undefined) return [];
  if (typeof v !== 'string' || !values.includes(v)) {
    const guess = typeof v === 'string' ? closestMatch(v, values) : undefined;
    return [{ path: [key], message: `${key} must be one of ${values.join(', ')}, got ${describe(v)}`, ...(guess ? { hint: `did you mean "${guess}"?` } : {}) }];
  }
  return [];
}

export function optionalStringList(config: Record<string, unknown>, key: string, test?: { pattern: RegExp; what: string }): ConfigProblem[] {
  const v = config[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) return [{ path: [key], message: `${key} must be a list, got ${describe(v)}` }];
  const problems: ConfigProblem[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string') problems.push({ path: [key, i], message: `${key}[${i}] must be a string, got ${describe(item)}` });
    else if (test && !test.pattern.test(item)) problems.push({ path: [key, i], message: `${key}[${i}] "${item}" is not ${test.what}` });
  });
  return problems;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}

/** Loose syntactic checks; the topology compiler does the arithmetic ones. */
export const ipv4Prefix = { pattern: /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, what: 'an IPv4 prefix (a.b.c.d/len)' };
export const ipv6Prefix = { pattern: /^[0-9a-fA-F:]+(:(\d{1,3}\.){3}\d{1,3})?\/\d{1,3}$/, what: 'an IPv6 prefix (x::/len)' };
export const ipAddress = { pattern: /^((\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/, what: 'an IPv4 or IPv6 address' };
/** `ADDR` or `ADDR:PORT` / `[V6]:PORT`. */
export const hostPort = { pattern: /^((\d{1,3}\.){3}\d{1,3}(:\d{1,5})?|\[[0-9a-fA-F:.]+\](:\d{1,5})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/, what: 'an address, optionally with :port ([v6]:port)' };
