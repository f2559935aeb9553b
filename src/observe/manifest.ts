/**
 * The FlatRacoon module manifest: what a module is, what it needs and offers, and where
 * its health and metrics live. Shared by every flatlab daemon (hesiod, bgpd, dns64).
 */
export interface ModuleManifest {
  module: string;
  version: string;
  layer: string;
  requires: string[];
  provides: string[];
  health_endpoint: string | null;
  metrics_endpoint: string | null;
}

export interface ManifestInput {
  module: string;
  version: string;
  layer: string;
  requires?: readonly string[];
  provides?: readonly string[];
  /** `ADDR:PORT` of the HTTP listener, when there is one. */
  http?: string;
}

export function buildManifest(input: ManifestInput): ModuleManifest {
  const base = input.http ? `http://${bracketHost(input.http)}` : undefined;
  return {
    module: input.module,
    version: input.version,
    layer: input.layer,
    requires: [...(input.requires ?? [])],
    provides: [...(input.provides ?? [])],
    health_endpoint: base ? `${base}/health` : null,
    metrics_endpoint: base ? `${base}/metrics` : null,
  };
}

/** `::1:8080` is ambiguous in a URL; `[::1]:8080` is not. */
function bracketHost(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort;
  const i = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, i);
  return host.includes(':') ? `[${host}]${hostPort.slice(i)}` : hostPort;
}
