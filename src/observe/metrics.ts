/**
 * Counters, gauges and histograms rendered in the Prometheus text exposition format
 * (version 0.0.4). Label sets are kept as sorted `k="v"` strings; values escaped as the
 * format requires (backslash, quote, newline).
 */
export type Labels = Readonly<Record<string, string>>;

interface Family {
  name: string;
  help: string;
  kind: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

export class MetricsRegistry {
  private readonly families: Family[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  private add<T extends Family>(f: T): T {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(f.name)) throw new Error(`invalid metric name ${f.name}`);
    if (this.families.some((x) => x.name === f.name)) throw new Error(`metric ${f.name} registered twice`);
    this.families.push(f);
    return f;
  }

  /** The whole registry as Prometheus text. */
  render(): string {
    const lines: string[] = [];
    for (const f of this.families) {
      lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.kind}`, ...f.render());
    }
    return `${lines.join('\n')}\n`;
  }
}

export function labelText(labels: Labels | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isNaN(n)) return 'NaN';
  return String(n);
}

export class Counter implements Family {
  readonly kind = 'counter' as const;
  private readonly values = new Map<string, number>();

  constructor(readonly name: string, readonly help: string) {}

  inc(labels?: Labels, by = 1): void {
    if (by < 0) throw new Error(`counter ${this.name} cannot decrease`);
    const k = labelText(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels?: Labels): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  /** Add counts gathered elsewhere (another worker process) under their label text. */
  merge(byLabelText: Readonly<Record<string, number>>): void {
    for (const [k, v] of Object.entries(byLabelText)) this.values.set(k, (this.values.get(k) ?? 0) + v);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.values);
  }

  render(): string[] {
    return [...this.values].map(([k, v]) => `${this.name}${k} ${formatNumber(v)}`);
  }
}

export class Gauge implements Family {
  readonly kind = 'gauge' as const;
  private readonly values = new Map<string, number>();

  constructor(readonly name: string, readonly help: string) {}

  set(value: number, labels?: Labels): void {
    this.values.set(labelText(labels), value);
  }

  add(by: number, labels?: Labels): void {
    const k = labelText(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels?: Labels): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  render(): string[] {
    return [...this.values].map(([k, v]) => `${this.name}${k} ${formatNumber(v)}`);
  }
}

export interface HistogramSnapshot {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram implements Family {
  readonly kind = 'histogram' as const;
  readonly buckets: readonly number[];
  private counts: number[];
  private sum = 0;
  private count = 0;

  constructor(readonly name: string, readonly help: string, buckets: readonly number[]) {
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => i > 0 && b === sorted[i - 1])) throw new Error(`histogram ${name} has duplicate buckets`);
    this.buckets = sorted;
    this.counts = new Array<number>(sorted.length).fill(0);
  }

  observe(value: number): void {
    // Counts here are per bucket; render() makes them cumulative as the format requires.
    let i = 0;
    while (i < this.buckets.length && value > (this.buckets[i] ?? Infinity)) i++;
    if (i < this.counts.length) this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += value;
    this.count += 1;
  }

  snapshot(): HistogramSnapshot {
    return { counts: [...this.counts], sum: this.sum, count: this.count };
  }

  merge(s: HistogramSnapshot): void {
    if (s.counts.length !== this.counts.length) throw new Error(`histogram ${this.name}: bucket layout differs`);
    this.counts = this.counts.map((c, i) => c + (s.counts[i] ?? 0));
    this.sum += s.sum;
    this.count += s.count;
  }

  render(): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    for (const [i, b] of this.buckets.entries()) {
      cumulative += this.counts[i] ?? 0;
      lines.push(`${this.name}_bucket{le="${formatNumber(b)}"} ${cumulative}`);
    }
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${formatNumber(this.sum)}`, `${this.name}_count ${this.count}`);
    return lines;
  }
}
