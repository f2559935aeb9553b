/**
 * The zones being served, swapped atomically on reload. A reload builds a complete new
 * index off to the side; only when that succeeds does it replace the old one (with a fresh
 * response cache). A failed reload leaves the old zones serving and records why.
 */
import type { Zone } from '../zone/model.js';
import { ResponseCache } from './response-cache.js';
import { buildZoneIndex, type ZoneIndex, type ZoneIndexOptions } from './zone-index.js';

export interface ReloadResult {
  ok: boolean;
  /** ISO time of the attempt. */
  at: string;
  error?: string;
  zones?: Array<{ origin: string; serial: number }>;
}

export interface ServedZone {
  origin: string;
  class: string;
  serial: number;
  records: number;
  source?: string;
}

export class ZoneStore {
  private current: { index: ZoneIndex; cache: ResponseCache };
  private last: ReloadResult;
  private reloads = { ok: 0, failed: 0 };

  constructor(zones: readonly Zone[], private readonly opts: ZoneIndexOptions & { now: () => Date }) {
    this.current = { index: buildZoneIndex(zones, opts), cache: new ResponseCache() };
    this.last = { ok: true, at: opts.now().toISOString(), zones: this.served().map((z) => ({ origin: z.origin, serial: z.serial })) };
  }

  get index(): ZoneIndex {
    return this.current.index;
  }

  get cache(): ResponseCache {
    return this.current.cache;
  }

  get lastReload(): ReloadResult {
    return this.last;
  }

  get reloadCounts(): { ok: number; failed: number } {
    return { ...this.reloads };
  }

  served(): ServedZone[] {
    return this.current.index.zones.map((z) => ({
      origin: z.zone.origin,
      class: z.zone.class,
      serial: z.serial,
      records: z.zone.records.length,
      ...(z.zone.source ? { source: z.zone.source } : {}),
    }));
  }

  /** Load with `load`; replace the zones only if loading and indexing both succeed. */
  async reload(load: () => Promise<readonly Zone[]>): Promise<ReloadResult> {
    const at = this.opts.now().toISOString();
    try {
      const zones = await load();
      const index = buildZoneIndex(zones, this.opts);
      this.current = { index, cache: new ResponseCache() };
      this.reloads.ok += 1;
      this.last = { ok: true, at, zones: this.served().map((z) => ({ origin: z.origin, serial: z.serial })) };
    } catch (err) {
      this.reloads.failed += 1;
      this.last = { ok: false, at, error: describe(err) };
    }
    return this.last;
  }
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'diagnostics' in err && Array.isArray((err as { diagnostics: unknown[] }).diagnostics)) {
    const ds = (err as { diagnostics: Array<{ message: string; position?: { file: string; line: number; col: number } }> }).diagnostics;
    return ds.map((d) => (d.position ? `${d.position.file}:${d.position.line}:${d.position.col}: ${d.message}` : d.message)).join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}
