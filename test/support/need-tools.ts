/**
 * Real-daemon tests run in CI (CI=true, root) and fail there when a tool is missing; on a
 * developer machine they skip with a printed reason. Use:
 *   const reason = needTools(['bird', 'birdc'], { root: true });
 *   describe.skipIf(reason)('…', …)   // and reason is printed once
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findTool(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/lib/frr']);
  for (const d of dirs) {
    const p = join(d, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Undefined when everything is there; otherwise the reason to skip. In CI a missing tool is
 * not a reason to skip: it throws, so the suite fails and says what to install.
 */
export function needTools(tools: readonly string[], opts: { root?: boolean } = {}): string | undefined {
  const missing = tools.filter((t) => findTool(t) === undefined);
  const notRoot = opts.root === true && process.getuid?.() !== 0;
  if (missing.length === 0 && !notRoot) return undefined;
  const reason = [missing.length ? `missing tools: ${missing.join(', ')}` : '', notRoot ? 'needs root' : ''].filter(Boolean).join('; ');
  if (process.env.CI) throw new Error(`CI must run this test but ${reason}; .ci/run should install it`);
  console.warn(`skipping: ${reason}`);
  return reason;
}

/**
 * `needTools` and a Docker engine that answers `docker info` (the docker binary alone is not
 * enough: with no dockerd running every docker command fails). Same rules: in CI a gap throws.
 */
export function needDockerEngine(tools: readonly string[], opts: { root?: boolean } = {}): string | undefined {
  const missing = needTools(tools.includes('docker') ? tools : [...tools, 'docker'], opts);
  if (missing) return missing;
  const info = spawnSync('docker', ['info'], { encoding: 'utf8' });
  if (info.status === 0) return undefined;
  const reason = `no Docker engine answers (${(info.stderr || '').trim().split('\n')[0]})`;
  if (process.env.CI) throw new Error(`CI must run this test but ${reason}; .ci/run starts dockerd`);
  console.warn(`skipping: ${reason}`);
  return reason;
}
