import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelText, MetricsRegistry } from '../../src/observe/metrics.js';

describe('Prometheus text exposition', () => {
  it('renders counters, gauges and cumulative histograms with HELP and TYPE', () => {
    const r = new MetricsRegistry();
    const c = r.counter('dns_queries_total', 'Queries.');
    c.inc({ rcode: 'NOERROR', qtype: 'TXT' });
    c.inc({ qtype: 'TXT', rcode: 'NOERROR' }, 2);
    r.gauge('open', 'Open now.').set(3);
    const h = r.histogram('latency_seconds', 'Latency.', [0.1, 0.01, 1]);
    for (const v of [0.005, 0.05, 0.05, 2]) h.observe(v);
    expect(r.render()).toBe(
      [
        '# HELP dns_queries_total Queries.',
        '# TYPE dns_queries_total counter',
        'dns_queries_total{qtype="TXT",rcode="NOERROR"} 3',
        '# HELP open Open now.',
        '# TYPE open gauge',
        'open 3',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{le="0.01"} 1',
        'latency_seconds_bucket{le="0.1"} 3',
        'latency_seconds_bucket{le="1"} 3',
        'latency_seconds_bucket{le="+Inf"} 4',
        'latency_seconds_sum 2.105',
        'latency_seconds_count 4',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values', () => {
    expect(labelText({ zone: 'a"b\\c\nd' })).toBe('{zone="a\\"b\\\\c\\nd"}');
  });

  it('refuses bad names, duplicate names and decreasing counters', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter('1bad', 'x')).toThrow(/invalid metric name/);
    r.counter('ok', 'x');
    expect(() => r.gauge('ok', 'x')).toThrow(/twice/);
    expect(() => r.counter('c', 'x').inc(undefined, -1)).toThrow(/cannot decrease/);
  });

  it('histogram buckets are cumulative and end at the count; merging adds up', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { maxLength: 200 }), fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { maxLength: 50 }), (a, b) => {
        const r = new MetricsRegistry();
        const h = r.histogram('h', 'h', [0.5, 1, 5]);
        for (const v of a) h.observe(v);
        const other = new MetricsRegistry().histogram('h', 'h', [0.5, 1, 5]);
        for (const v of b) other.observe(v);
        h.merge(other.snapshot());
        const counts = r
          .render()
          .split('\n')
          .filter((l) => l.startsWith('h_bucket'))
          .map((l) => Number(l.split(' ')[1]));
        for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
        expect(counts[counts.length - 1]).toBe(a.length + b.length);
        expect(counts[0]).toBe([...a, ...b].filter((v) => v <= 0.5).length);
      }),
    );
  });
});
