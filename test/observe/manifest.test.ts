import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../src/observe/manifest.js';

describe('module manifest', () => {
  it('has the FlatRacoon fields, endpoints from the HTTP address (IPv6 bracketed)', () => {
    expect(buildManifest({ module: 'flatlab-bgpd', version: '1.2.3', layer: 'routing', requires: ['network'], provides: ['bgp'], http: '::1:9000' })).toEqual({
      module: 'flatlab-bgpd',
      version: '1.2.3',
      layer: 'routing',
      requires: ['network'],
      provides: ['bgp'],
      health_endpoint: 'http://[::1]:9000/health',
      metrics_endpoint: 'http://[::1]:9000/metrics',
    });
  });
  it('has null endpoints without an HTTP listener', () => {
    expect(buildManifest({ module: 'm', version: '0', layer: 'l' })).toMatchObject({ requires: [], provides: [], health_endpoint: null, metrics_endpoint: null });
  });
});
